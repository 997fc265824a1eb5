/**
 * Toasts in the workspace appear bottom left, over the views, where they never cover the
 * composer's send button or the details panel.
 */
import { notifications, type NotificationData } from "@mantine/notifications";

export function toast(data: NotificationData): string {
  return notifications.show({ position: "bottom-left", autoClose: 5_000, ...data });
}

export const hideToast = (id: string) => notifications.hide(id);

/**
 * Toasts of one kind shown as one: while one is on screen, the next updates it (its title
 * counts them, its message is the latest) and keeps it up a while longer, instead of stacking
 * a column of toasts over the views when many arrive at once.
 */
export function collapsingToasts(base: Omit<NotificationData, "message"> & { autoClose: number }, countTitle: (count: number) => string) {
  let shown: { id: string; count: number } | null = null;
  const onClose = () => {
    shown = null;
  };
  return (title: string, message: string) => {
    if (!shown) {
      shown = { id: toast({ ...base, title, message, onClose }), count: 1 };
      return;
    }
    shown.count++;
    // Mantine restarts a toast's close timer only when its autoClose changes: nudge it by 1 ms.
    notifications.update({ id: shown.id, title: countTitle(shown.count), message: `Latest: ${title}, ${message}`, autoClose: base.autoClose + (shown.count % 2) });
  };
}

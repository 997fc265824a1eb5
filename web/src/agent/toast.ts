/**
 * Toasts in the workspace appear bottom left, over the views, where they never cover the
 * composer's send button or the details panel.
 */
import { notifications, type NotificationData } from "@mantine/notifications";

export function toast(data: NotificationData): string {
  return notifications.show({ position: "bottom-left", autoClose: 5_000, ...data });
}

export const hideToast = (id: string) => notifications.hide(id);

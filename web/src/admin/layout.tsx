/**
 * The parts every admin page is built from: a page header, the list beside the editor, the
 * editor frame with its explicit Save and a guard against leaving unsaved changes, and a
 * confirmation that says what depends on a change before it is made.
 */
import { Alert, Anchor, Badge, Button, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconArrowLeft, IconCircleCheck, IconTicket } from "@tabler/icons-react";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, NavLink, useBlocker } from "react-router";
import { ApiError } from "../api/client.ts";
import { errorMessage } from "../ui/query-state.tsx";
import classes from "./admin.module.css";

/**
 * Says that something was done. At the top of the window: the bottom-right corner, where
 * toasts go elsewhere, is where an editor's Save button sits.
 */
export function announce(message: string, title?: string) {
  notifications.show({ color: "teal", position: "top-center", message, title });
}

/** Sets the tab title for an admin page. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Admin · Tessera`;
  }, [title]);
}

export function AdminPage({ title, description, actions, children }: { title: string; description: ReactNode; actions?: ReactNode; children: ReactNode }) {
  usePageTitle(title);
  return (
    <section className={classes.pageColumn} aria-labelledby="admin-page-title">
      <header className={classes.pageHeader}>
        <div>
          <Title order={1} fz={20} id="admin-page-title">
            {title}
          </Title>
          <Text size="sm" c="dimmed" mt={2} maw={680}>
            {description}
          </Text>
        </div>
        {actions && (
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            {actions}
          </Group>
        )}
      </header>
      {children}
    </section>
  );
}

/** The list on the left and the editor on the right; on a phone, one of them at a time. */
export function Split({ list, editor, selected, wide = false, listLabel }: { list: ReactNode; editor: ReactNode; selected: boolean; wide?: boolean; listLabel: string }) {
  return (
    <div className={classes.split} data-selected={selected || undefined} data-list={wide ? "wide" : undefined}>
      <div className={classes.listPane} role="region" aria-label={listLabel}>
        {list}
      </div>
      <div className={classes.editorPane}>{editor}</div>
    </div>
  );
}

/** Says that an item is no longer in use: "Inactive", or "Retired" for a status. */
export function OffBadge({ children = "Inactive" }: { children?: ReactNode }) {
  return (
    <Badge variant="outline" color="gray" size="sm">
      {children}
    </Badge>
  );
}

/** A part of an editor under its fields, such as a team's members: a rule above, a heading, then `children`. */
export function EditorSection({ title, order = 2, aside, children }: { title: string; order?: 2 | 3; aside?: ReactNode; children: ReactNode }) {
  const heading = (
    <Title order={order} fz="sm" mb={aside ? undefined : 4}>
      {title}
    </Title>
  );
  return (
    <div className={classes.section}>
      {aside ? (
        <Group justify="space-between" mb={4}>
          {heading}
          {aside}
        </Group>
      ) : (
        heading
      )}
      {children}
    </div>
  );
}

/** A short word about an item in a list or an editor's title: "Default", "Added", "Customized". */
export function Tag({ color = "gray", size = "sm", children }: { color?: string; size?: string; children: ReactNode }) {
  return (
    <Badge variant="light" color={color} size={size}>
      {children}
    </Badge>
  );
}

/** One entry of a page's list: a link to its editor. */
export function RowLink({ to, inactive, children, style, className }: { to: string; inactive?: boolean; children: ReactNode; style?: React.CSSProperties; className?: string }) {
  return (
    <li>
      <NavLink to={to} className={`${classes.row} ${className ?? ""}`} data-inactive={inactive || undefined} style={style}>
        {children}
      </NavLink>
    </li>
  );
}

/** What the editor pane shows before anything is picked: what the page is for, and how to start. */
export function EmptyEditor({ icon, title, children }: { icon: ReactNode; title: string; children: ReactNode }) {
  return (
    <div className={classes.emptyEditor}>
      <Stack align="center" gap="xs" maw={380} ta="center">
        <Text c="gray.5" aria-hidden="true">
          {icon}
        </Text>
        <Text fw={600} size="md">
          {title}
        </Text>
        <Text size="sm" c="dimmed" component="div">
          {children}
        </Text>
      </Stack>
    </div>
  );
}

/**
 * Asks before leaving a page with unsaved changes: inside the app (another item, another
 * page) with a dialog, and when closing or reloading the tab with the browser's own prompt.
 * `allow()` lets the next navigation through (after a save, when the new address is ours).
 */
export function useUnsavedGuard(dirty: boolean) {
  const bypass = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => {
    if (bypass.current) {
      bypass.current = false;
      return false;
    }
    return dirty && currentLocation.pathname !== nextLocation.pathname;
  });
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
  const dialog = (
    <Modal opened={blocker.state === "blocked"} onClose={() => blocker.reset?.()} title="Discard unsaved changes?" centered size="sm">
      <Stack gap="md">
        <Text size="sm">You changed this page without saving. If you leave now, those changes are lost.</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
            Keep editing
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            Discard changes
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
  return { dialog, allow: () => (bypass.current = true) };
}

/** A server message about a field ("is not right") as a sentence to show under that field. */
function sentence(message: string): string {
  let m = message.trim();
  if (/^(is|are) /.test(m)) m = `This ${m}`;
  m = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}

/** Field errors and a general message from a failed save, where the form can show them. */
export function formErrors(err: unknown, known: readonly string[], conflictField?: string): { fields: Record<string, string>; general: string | null } {
  if (!err) return { fields: {}, general: null };
  if (err instanceof ApiError) {
    if (err.status === 409 && conflictField) return { fields: { [conflictField]: err.message }, general: null };
    const fields: Record<string, string> = {};
    const other: string[] = [];
    for (const [field, message] of Object.entries(err.fieldErrors)) {
      const match = known.find((k) => field === k || field.startsWith(`${k}.`));
      if (match) fields[match] = fields[match] ? `${fields[match]} ${sentence(message)}` : sentence(message);
      else other.push(`${field}: ${message}`);
    }
    if (Object.keys(fields).length) return { fields, general: other.length ? other.join("; ") : null };
  }
  return { fields: {}, general: errorMessage(err) };
}

export function SaveError({ title = "Not saved", message, mt }: { title?: string; message: string | null; mt?: string }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={title} role="alert" mt={mt}>
      {message}
    </Alert>
  );
}

/** Why an action other than a save (a retry, a re-process) did not work, under its button. */
export function ActionError({ title, error, mt }: { title: string; error: unknown; mt?: string }) {
  return error ? <SaveError title={title} message={errorMessage(error)} mt={mt} /> : null;
}

/**
 * An editor: the fields, then a footer that says whether there are unsaved changes, with
 * Revert and an explicit Save. Ctrl/Cmd+S saves too. Leaving with unsaved changes asks first.
 */
export function Editor({
  label,
  dirty,
  saving,
  saveLabel = "Save changes",
  onSubmit,
  onRevert,
  backTo,
  backLabel,
  children,
  guard,
  justSaved,
}: {
  label: string;
  dirty: boolean;
  saving: boolean;
  saveLabel?: string;
  onSubmit: () => void;
  onRevert?: () => void;
  /** On a phone, where the list is (pages without a list have none). */
  backTo?: string;
  backLabel?: string;
  children: ReactNode;
  guard: ReturnType<typeof useUnsavedGuard>;
  justSaved?: boolean;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        if (dirty && !saving) formRef.current?.requestSubmit();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [dirty, saving]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!saving) onSubmit();
  };
  return (
    <form ref={formRef} className={classes.editor} onSubmit={submit} noValidate aria-label={label}>
      <div className={classes.editorBody}>
        {backTo && (
          <Anchor component={Link} to={backTo} size="sm" className={classes.backLink} mb="sm">
            <IconArrowLeft size={14} aria-hidden="true" style={{ marginRight: 4 }} /> {backLabel}
          </Anchor>
        )}
        {children}
      </div>
      <div className={classes.editorFooter}>
        <span className={classes.footerState} data-dirty={dirty || undefined} role="status">
          {dirty ? (
            <>
              <span className={classes.dirtyDot} aria-hidden="true" /> Unsaved changes
            </>
          ) : justSaved ? (
            <>
              <IconCircleCheck size={14} color="var(--mantine-color-teal-6)" aria-hidden="true" /> Saved
            </>
          ) : null}
        </span>
        {onRevert && (
          <Button variant="default" onClick={onRevert} disabled={!dirty || saving}>
            Revert
          </Button>
        )}
        <Button type="submit" loading={saving} disabled={!dirty}>
          {saveLabel}
        </Button>
      </div>
      {guard.dialog}
    </form>
  );
}

/**
 * Confirms a change that takes something away. `consequences` says what depends on it
 * (counts are loaded while the dialog is open); nothing happens until the person confirms.
 */
export function ConfirmDialog({
  opened,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  busy,
  error,
  color = "red",
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  error?: unknown;
  color?: string;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="md">
      <Stack gap="md">
        <div>{children}</div>
        {error ? <SaveError title="That did not work" message={errorMessage(error)} /> : null}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={busy}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A line of what a change affects, with its count (or "Counting…" while it loads). */
export function Consequence({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return (
    <Group gap={8} wrap="nowrap" align="flex-start">
      <Text c="gray.6" mt={2} style={{ flexShrink: 0, display: "inline-flex" }} aria-hidden="true">
        {icon}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Group>
  );
}

/**
 * What a change does to tickets, counted while its dialog is open: `counting` while the count
 * loads, `failed` if it cannot be had, `none` when there are none, else `children(count)`.
 */
export function TicketsConsequence({
  count,
  counting,
  failed,
  none,
  children,
}: {
  count: { isPending: boolean; isError: boolean; data?: { count: number } };
  counting: string;
  failed: string;
  none: string;
  children: (count: number) => ReactNode;
}) {
  return <Consequence icon={<IconTicket size={16} />}>{count.isPending ? counting : count.isError ? failed : count.data!.count === 0 ? none : children(count.data!.count)}</Consequence>;
}

/** Shows "Saved" in an editor's footer for a few seconds after a save. */
export function useJustSaved(): [boolean, () => void] {
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!saved) return;
    const t = setTimeout(() => setSaved(false), 4_000);
    return () => clearTimeout(t);
  }, [saved]);
  return [saved, () => setSaved(true)];
}

/** Two plain values (drafts of forms) are the same. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

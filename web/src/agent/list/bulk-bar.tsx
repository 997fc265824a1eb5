/**
 * The bar shown while tickets are selected: assign, status, priority and tags for all of them
 * at once (POST /api/tickets/bulk). Each ticket succeeds or fails on its own; the toast says
 * which, and offers to undo what succeeded.
 */
import { Button, CloseButton, Group, Menu, Popover, Stack, TagsInput, Text } from "@mantine/core";
import { IconChevronDown } from "@tabler/icons-react";
import type { Priority, TicketSummary } from "@tessera/contracts";
import { PRIORITIES } from "@tessera/contracts";
import { useState, type ComponentPropsWithRef, type ReactNode } from "react";
import { bulkUpdate, type TicketChanges } from "../../api/agent.ts";
import { useStaff, useStatuses } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { PRIORITY_LABELS, PriorityIcon } from "../../ui/priority-icon.tsx";
import { StatusDot } from "../ticket/status.tsx";
import classes from "./ticket-list.module.css";
import { hideToast, toast } from "../toast.ts";

type Undo = Array<{ ids: number[]; changes: TicketChanges }>;

/** What each ticket had before, grouped so that undo is one bulk call per previous value. */
function undoOf(tickets: TicketSummary[], changes: TicketChanges): Undo {
  const groups = new Map<string, { ids: number[]; changes: TicketChanges }>();
  for (const t of tickets) {
    const before: TicketChanges = {};
    if ("assignee_id" in changes) before.assignee_id = t.assignee?.id ?? null;
    if ("priority" in changes) before.priority = t.priority;
    if ("status" in changes) before.status = t.status.key;
    if ("add_tags" in changes) before.remove_tags = (changes.add_tags ?? []).filter((tag) => !t.tags.includes(tag));
    if ("remove_tags" in changes) before.add_tags = (changes.remove_tags ?? []).filter((tag) => t.tags.includes(tag));
    const k = JSON.stringify(before);
    const g = groups.get(k) ?? { ids: [], changes: before };
    g.ids.push(t.id);
    groups.set(k, g);
  }
  return [...groups.values()];
}

async function runUndo(undo: Undo, onDone: () => void) {
  try {
    let failed = 0;
    for (const g of undo) {
      const res = await bulkUpdate(g.ids, g.changes);
      failed += res.results.filter((r) => !r.ok).length;
    }
    toast({ color: failed ? "orange" : "teal", message: failed ? `Undone, except ${failed} ticket${failed === 1 ? "" : "s"} that changed since.` : "Undone." });
  } catch (err) {
    toast({ color: "red", title: "Could not undo", message: errorMessage(err) });
  }
  onDone();
}

/**
 * A button of the bar, white on its dark ground, that opens a menu or a popover (which hand it
 * their ref and ARIA attributes, hence the rest of the props).
 */
function BarButton({ label, busy, ...props }: { label: string; busy: boolean } & Omit<ComponentPropsWithRef<"button">, "color" | "children">) {
  return (
    <Button size="compact-sm" variant="subtle" color="gray.0" c="white" rightSection={<IconChevronDown size={12} />} disabled={busy} {...props}>
      {label}
    </Button>
  );
}

/** A menu of the bar, opening upwards; a `long` one scrolls. */
function BarMenu({ label, busy, long = false, children }: { label: string; busy: boolean; long?: boolean; children: ReactNode }) {
  return (
    <Menu position="top-start" withinPortal>
      <Menu.Target>
        <BarButton label={label} busy={busy} />
      </Menu.Target>
      <Menu.Dropdown {...(long ? { mah: 320, style: { overflowY: "auto" } } : {})}>{children}</Menu.Dropdown>
    </Menu>
  );
}

export function BulkBar({ selected, onClear, onDone }: { selected: TicketSummary[]; onClear: () => void; onDone: () => void }) {
  const me = useSignedInUser();
  const staff = useStaff();
  const statuses = useStatuses();
  const [busy, setBusy] = useState(false);
  const [tags, setTags] = useState<string[]>([]);
  const [tagsOpen, setTagsOpen] = useState(false);
  const n = selected.length;
  const noun = `${n} ticket${n === 1 ? "" : "s"}`;

  const apply = async (changes: TicketChanges, what: string) => {
    const tickets = selected;
    setBusy(true);
    try {
      const res = await bulkUpdate(
        tickets.map((t) => t.id),
        changes,
      );
      const ok = res.results.filter((r) => r.ok);
      const failed = res.results.filter((r) => !r.ok);
      const undo = undoOf(
        tickets.filter((t) => ok.some((r) => r.id === t.id)),
        changes,
      );
      const undoButton =
        ok.length > 0 ? (
          <Button
            size="compact-xs"
            variant="light"
            mt={6}
            onClick={() => {
              hideToast(id);
              void runUndo(undo, onDone);
            }}
          >
            Undo ({ok.length} ticket{ok.length === 1 ? "" : "s"})
          </Button>
        ) : null;
      const id = `bulk-${Date.now()}`;
      toast({
        id,
        color: failed.length ? "orange" : "teal",
        autoClose: 10_000,
        title: failed.length ? `${what}: ${ok.length} of ${tickets.length} changed` : `${what}: ${ok.length} ticket${ok.length === 1 ? "" : "s"} changed`,
        message: (
          <Stack gap={2}>
            {failed.slice(0, 3).map((f) => (
              <Text size="xs" key={f.id}>
                {tickets.find((t) => t.id === f.id)?.reference}: {f.error?.message}
              </Text>
            ))}
            {failed.length > 3 && <Text size="xs">and {failed.length - 3} more.</Text>}
            {undoButton}
          </Stack>
        ),
      });
      if (!failed.length) onClear();
    } catch (err) {
      toast({ color: "red", title: `${what}: nothing was changed`, message: errorMessage(err) });
    } finally {
      setBusy(false);
      onDone();
    }
  };

  const applyTags = (changes: { add_tags: string[] } | { remove_tags: string[] }, what: string) => {
    setTagsOpen(false);
    void apply(changes, what);
    setTags([]);
  };

  return (
    <div className={classes.bulkBar} role="toolbar" aria-label={`${n} selected`}>
      <Text size="sm" fw={600} mr={6} aria-live="polite">
        {n} selected
      </Text>
      <BarMenu label="Assign" busy={busy} long>
        <Menu.Item onClick={() => void apply({ assignee_id: me.id }, "Assigned to you")}>Me ({me.name})</Menu.Item>
        <Menu.Item onClick={() => void apply({ assignee_id: null }, "Unassigned")}>Nobody (unassign)</Menu.Item>
        <Menu.Divider />
        {(staff.data ?? [])
          .filter((u) => u.id !== me.id)
          .map((u) => (
            <Menu.Item key={u.id} onClick={() => void apply({ assignee_id: u.id }, `Assigned to ${u.name}`)}>
              {u.name}
            </Menu.Item>
          ))}
      </BarMenu>
      <BarMenu label="Status" busy={busy}>
        {(statuses.data ?? [])
          .filter((s) => s.active && !["draft", "resolved"].includes(s.category))
          .map((s) => (
            <Menu.Item key={s.key} leftSection={<StatusDot category={s.category} />} onClick={() => void apply({ status: s.key }, `Status ${s.label}`)}>
              {s.label}
            </Menu.Item>
          ))}
      </BarMenu>
      <BarMenu label="Priority" busy={busy}>
        {PRIORITIES.map((p: Priority) => (
          <Menu.Item key={p} leftSection={<PriorityIcon priority={p} size={14} withTooltip={false} />} onClick={() => void apply({ priority: p }, `Priority ${p}`)}>
            {p} · {PRIORITY_LABELS[p]}
          </Menu.Item>
        ))}
      </BarMenu>
      <Popover position="top-start" opened={tagsOpen} onChange={setTagsOpen} withinPortal trapFocus>
        <Popover.Target>
          <BarButton label="Tags" busy={busy} onClick={() => setTagsOpen((o) => !o)} />
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="xs" w={260}>
            <TagsInput label={`Tags for ${noun}`} placeholder="Type a tag, then Enter" value={tags} onChange={setTags} size="xs" data-autofocus />
            <Group gap="xs" justify="flex-end">
              <Button size="xs" variant="default" disabled={!tags.length} onClick={() => applyTags({ remove_tags: tags }, "Tags removed")}>
                Remove
              </Button>
              <Button size="xs" disabled={!tags.length} onClick={() => applyTags({ add_tags: tags }, "Tags added")}>
                Add
              </Button>
            </Group>
          </Stack>
        </Popover.Dropdown>
      </Popover>
      <CloseButton ml="auto" variant="transparent" c="gray.4" aria-label="Clear the selection" onClick={onClear} />
    </div>
  );
}

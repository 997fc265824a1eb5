/**
 * The right-hand panel: the ticket's properties, each editable in place and saved as soon as it
 * changes (no Update button); a 409 conflict card; the SLA targets; custom fields; the requester and their other
 * tickets; linked tickets; every file on the ticket.
 */
import { ActionIcon, Alert, Anchor, Avatar, Button, Group, Select, Stack, Switch, TagsInput, Text, TextInput, Tooltip, type SelectProps } from "@mantine/core";
import { IconAlertTriangle, IconLink, IconLock, IconPlus, IconX } from "@tabler/icons-react";
import { PRIORITIES, STATUS_TRANSITIONS, TICKET_TYPES, type Category, type CustomField, type Priority, type Status, type Team, type Ticket, type TicketEvent, type User } from "@tessera/contracts";
import { forwardRef, lazy, Suspense, useImperativeHandle, useRef, useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { TicketChanges } from "../../api/agent.ts";
import { useRequesterTickets } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { initials } from "../../ui/format.ts";
import { PRIORITY_LABELS, PriorityIcon } from "../../ui/priority-icon.tsx";
import { TimeAgo } from "../../ui/time-ago.tsx";
import { AlertCard } from "./alert-card.tsx";
import { AttachmentList } from "../timeline/attachment-list.tsx";
import { TYPE_LABELS } from "../list/filter-bar.tsx";
import { StatusDot } from "./status.tsx";
import type { Conflict } from "./ticket-changes.tsx";
import classes from "./ticket-pane.module.css";

/** The SLA card loads after the ticket: its own request, and not needed for the first paint. */
const SlaPanel = lazy(() => import("../sla/sla-panel.tsx"));
const NumberField = lazy(() => import("./number-field.tsx").then((m) => ({ default: m.NumberField })));

export interface DetailsHandle {
  focus(field: "status" | "priority" | "assignee" | "tags"): void;
}

// A list's options are drawn when it opens rather than kept hidden in the page (Mantine's
// default): the panel drew a few hundred hidden options right after a ticket opened.
const listWhenOpen = { withinPortal: true, keepMounted: false };

/** A property picked from a list; it is saved as soon as it changes. */
const PropertySelect = forwardRef<HTMLInputElement, SelectProps & { label: string; name: string; children?: ReactNode }>(function PropertySelect({ label, name, children, ...select }, ref) {
  return (
    <Field label={label} htmlFor={`f-${name}`}>
      <Select id={`f-${name}`} ref={ref} size="xs" comboboxProps={listWhenOpen} {...select} />
      {children}
    </Field>
  );
});

function Field({ label, children, htmlFor, internal }: { label: string; children: ReactNode; htmlFor?: string; internal?: boolean }) {
  return (
    <div className={classes.field}>
      <Text component="label" htmlFor={htmlFor} size="xs" c="dimmed" fw={500} className={classes.fieldLabel}>
        {label}
        {internal && (
          <Tooltip label="Agents only: the requester does not see this field">
            <IconLock size={11} style={{ marginLeft: 3, verticalAlign: -1 }} aria-label="agents only" />
          </Tooltip>
        )}
      </Text>
      <div className={classes.fieldValue}>{children}</div>
    </div>
  );
}

/** Statuses this ticket may move to now, its own first. */
export function statusChoices(statuses: Status[], current: Ticket["status"]): Status[] {
  const allowed = STATUS_TRANSITIONS[current.category];
  return statuses.filter((s) => s.active && (s.key === current.key || allowed.includes(s.category)));
}

const LINK_LABELS: Record<string, string> = {
  related: "Related to",
  parent: "Child of",
  child: "Parent of",
  duplicate_of: "Duplicate of",
  duplicated_by: "Duplicated by",
  caused_by: "Caused by",
  causes: "Causes",
};

function ConflictCard({ conflict, events, onReapply, onDismiss }: { conflict: Conflict; events: TicketEvent[]; onReapply: () => void; onDismiss: () => void }) {
  const me = useSignedInUser();
  const { base, current } = conflict;
  const diffs: Array<[string, string, string]> = [];
  const add = (label: string, a: string, b: string) => a !== b && diffs.push([label, a, b]);
  add("Status", base.status.label, current.status.label);
  add("Priority", base.priority, current.priority);
  add("Assignee", base.assignee?.name ?? "Unassigned", current.assignee?.name ?? "Unassigned");
  add("Team", base.team?.name ?? "No team", current.team?.name ?? "No team");
  add("Type", TYPE_LABELS[base.type], TYPE_LABELS[current.type]);
  add("Category", base.category?.name ?? "None", current.category?.name ?? "None");
  add("Tags", base.tags.join(", ") || "none", current.tags.join(", ") || "none");
  add("Subject", base.subject, current.subject);
  const who = [...new Set(events.filter((e) => e.created_at > base.updated_at && e.actor && e.actor.id !== me.id).map((e) => e.actor!.name))];
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={`${who.length ? who.join(" and ") : "Someone else"} changed this ticket first`} role="alert" mb="md">
      <Stack gap={6}>
        <Text size="sm">Your change ({conflict.label.toLowerCase()}) was not saved. This is the ticket now:</Text>
        {diffs.length ? (
          <Stack gap={2} component="ul" className={classes.plainList}>
            {diffs.map(([label, a, b]) => (
              <Text component="li" size="sm" key={label}>
                <b>{label}</b>: {a} → {b}
              </Text>
            ))}
          </Stack>
        ) : (
          <Text size="sm">The conversation or a field not shown here changed.</Text>
        )}
        <Group gap="xs" mt={4}>
          <Button size="xs" color="orange" onClick={onReapply}>
            Apply my change again
          </Button>
          <Button size="xs" variant="default" onClick={onDismiss}>
            Keep theirs
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function CustomFieldInput({ field, value, onSave }: { field: CustomField; value: unknown; onSave: (v: string | number | boolean | null) => void }) {
  const label = field.label;
  const id = `cf-${field.key}`;
  switch (field.type) {
    case "boolean":
      return (
        <Field label={label} htmlFor={id} internal={!field.visible_to_requester}>
          <Switch id={id} size="sm" checked={value === true} onChange={(e) => onSave(e.currentTarget.checked)} aria-label={field.label} />
        </Field>
      );
    case "select":
      return (
        <Field label={label} htmlFor={id} internal={!field.visible_to_requester}>
          <Select
            id={id}
            size="xs"
            data={field.options}
            value={typeof value === "string" ? value : null}
            onChange={(v) => onSave(v)}
            clearable
            placeholder="Not set"
            comboboxProps={listWhenOpen}
            aria-label={field.label}
          />
        </Field>
      );
    case "number":
      return (
        <Field label={label} htmlFor={id} internal={!field.visible_to_requester}>
          <Suspense fallback={<TextInput id={id} size="xs" readOnly defaultValue={typeof value === "number" ? String(value) : ""} placeholder="Not set" aria-label={field.label} />}>
            <NumberField key={String(value)} id={id} label={field.label} value={value} onSave={onSave} />
          </Suspense>
        </Field>
      );
    default:
      return (
        <Field label={label} htmlFor={id} internal={!field.visible_to_requester}>
          <TextInput
            id={id}
            size="xs"
            type={field.type === "date" ? "date" : "text"}
            defaultValue={typeof value === "string" ? value : ""}
            key={String(value)}
            onBlur={(e) => {
              const v = e.currentTarget.value.trim();
              if (v !== (value ?? "")) onSave(v === "" ? null : v);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") e.currentTarget.blur();
            }}
            placeholder="Not set"
            aria-label={field.label}
          />
        </Field>
      );
  }
}

function RequesterCard({ ticket }: { ticket: Ticket }) {
  const others = useRequesterTickets(ticket.requester.id);
  const list = (others.data?.items ?? []).filter((t) => t.id !== ticket.id);
  return (
    <section className={classes.card} aria-labelledby="requester-title">
      <Text component="h3" id="requester-title" className={classes.cardTitle}>
        Requester
      </Text>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Avatar size={34} radius="xl" color="gray" aria-hidden="true">
          {initials(ticket.requester.name)}
        </Avatar>
        <div style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} truncate>
            {ticket.requester.name}
          </Text>
          <Anchor href={`mailto:${ticket.requester.email}`} size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {ticket.requester.email}
          </Anchor>
          {ticket.organization && (
            <Text size="xs" c="dimmed">
              {ticket.organization.name}
            </Text>
          )}
        </div>
      </Group>
      <Text size="xs" fw={500} c="dimmed" mt="sm" mb={4}>
        {list.length ? `Their other tickets` : others.isPending ? "Loading their other tickets…" : "No other tickets"}
      </Text>
      {list.length > 0 && (
        <Stack gap={2} component="ul" className={classes.plainList} aria-label={`Other tickets from ${ticket.requester.name}`}>
          {list.slice(0, 6).map((t) => (
            <li key={t.id}>
              <Anchor component={Link} to={`/agent/tickets/${t.reference}`} size="xs" className={classes.otherTicket}>
                <StatusDot category={t.status.category} size={7} />
                <span className="tabular">{t.reference}</span>
                <span className={classes.otherSubject}>{t.subject}</span>
              </Anchor>
            </li>
          ))}
        </Stack>
      )}
    </section>
  );
}

export const DetailsPanel = forwardRef<
  DetailsHandle,
  {
    ticket: Ticket;
    statuses: Status[];
    staff: Array<Pick<User, "id" | "name" | "email">>;
    teams: Team[];
    categories: Category[];
    customFields: CustomField[];
    conflict: Conflict | null;
    events: TicketEvent[];
    onChange: (changes: TicketChanges, label: string) => void;
    onResolve: (status: string) => void;
    onReapply: () => void;
    onDismissConflict: () => void;
    onLink: () => void;
    onRemoveLink: (linkId: number) => void;
  }
>(function DetailsPanel(p, ref) {
  const { ticket: t, statuses, staff, teams, categories, customFields, onChange } = p;
  const me = useSignedInUser();
  const statusRef = useRef<HTMLInputElement>(null);
  const priorityRef = useRef<HTMLInputElement>(null);
  const assigneeRef = useRef<HTMLInputElement>(null);
  const tagsRef = useRef<HTMLInputElement>(null);
  const [tagDraft, setTagDraft] = useState("");
  useImperativeHandle(ref, () => ({
    focus(field) {
      const el = { status: statusRef, priority: priorityRef, assignee: assigneeRef, tags: tagsRef }[field].current;
      el?.focus();
      if (field !== "tags") el?.click();
    },
  }));

  const statusData = statusChoices(statuses, t.status).map((s) => ({ value: s.key, label: s.label, category: s.category }));
  const team = t.team ? teams.find((x) => x.id === t.team!.id) : undefined;
  // Only members of the ticket's team can take it; with no team, any agent.
  const assignable = team ? staff.filter((u) => team.members.some((m) => m.id === u.id)) : staff;
  const assigneeData = [
    ...(assignable.some((u) => u.id === me.id) ? [{ value: String(me.id), label: `${me.name} (me)` }] : []),
    ...assignable.filter((u) => u.id !== me.id).map((u) => ({ value: String(u.id), label: u.name })),
  ];
  if (t.assignee && !assigneeData.some((o) => o.value === String(t.assignee!.id))) assigneeData.push({ value: String(t.assignee.id), label: t.assignee.name });
  const activeFields = customFields.filter((f) => f.active);

  return (
    <aside className={classes.details} aria-label="Ticket details">
      {p.conflict && <ConflictCard conflict={p.conflict} events={p.events} onReapply={p.onReapply} onDismiss={p.onDismissConflict} />}
      <section className={classes.card} aria-label="Properties">
        <Stack gap={10}>
          <PropertySelect
            label="Status"
            name="status"
            ref={statusRef}
            data={statusData}
            value={t.status.key}
            onChange={(v) => {
              if (!v || v === t.status.key) return;
              const s = statuses.find((x) => x.key === v);
              if (s?.category === "resolved") p.onResolve(v);
              else onChange({ status: v }, "Status");
            }}
            allowDeselect={false}
            leftSection={<StatusDot category={t.status.category} />}
            renderOption={({ option }) => (
              <Group gap={8} wrap="nowrap">
                <StatusDot category={(option as unknown as { category: Status["category"] }).category} />
                {option.label}
              </Group>
            )}
            disabled={statusData.length <= 1}
          />
          <PropertySelect
            label="Priority"
            name="priority"
            ref={priorityRef}
            data={PRIORITIES.map((x) => ({ value: x, label: `${x} · ${PRIORITY_LABELS[x]}` }))}
            value={t.priority}
            onChange={(v) => v && v !== t.priority && onChange({ priority: v as Priority }, "Priority")}
            allowDeselect={false}
            leftSection={<PriorityIcon priority={t.priority} size={14} withTooltip={false} />}
            renderOption={({ option }) => (
              <Group gap={8} wrap="nowrap">
                <PriorityIcon priority={option.value as Priority} size={14} withTooltip={false} />
                {option.label}
              </Group>
            )}
          >
            <Text size="10px" c="dimmed" mt={2}>
              {t.priority_overridden ? (
                <>
                  Set by hand ·{" "}
                  <Anchor component="button" type="button" size="10px" onClick={() => onChange({ priority: null }, "Priority")}>
                    use impact × urgency
                  </Anchor>
                </>
              ) : (
                `From impact ${t.impact} × urgency ${t.urgency}`
              )}
            </Text>
          </PropertySelect>
          <PropertySelect
            label="Assignee"
            name="assignee"
            ref={assigneeRef}
            data={assigneeData}
            value={t.assignee ? String(t.assignee.id) : null}
            onChange={(v) => onChange({ assignee_id: v ? Number(v) : null }, "Assignee")}
            placeholder="Unassigned"
            searchable
            clearable
            nothingFoundMessage={team ? `Nobody in ${team.name} matches` : "Nobody matches"}
          />
          <PropertySelect
            label="Team"
            name="team"
            data={teams.map((x) => ({ value: String(x.id), label: x.name }))}
            value={t.team ? String(t.team.id) : null}
            onChange={(v) => onChange({ team_id: v ? Number(v) : null }, "Team")}
            placeholder="No team (triage)"
            clearable
          />
          <PropertySelect
            label="Type"
            name="type"
            data={TICKET_TYPES.map((x) => ({ value: x, label: TYPE_LABELS[x] }))}
            value={t.type}
            onChange={(v) => v && v !== t.type && onChange({ type: v as Ticket["type"] }, "Type")}
            allowDeselect={false}
          />
          <PropertySelect
            label="Category"
            name="category"
            data={categories.filter((c) => c.active || c.id === t.category?.id).map((c) => ({ value: String(c.id), label: c.path }))}
            value={t.category ? String(t.category.id) : null}
            onChange={(v) => onChange({ category_id: v ? Number(v) : null }, "Category")}
            placeholder="None"
            searchable
            clearable
          />
          <Field label="Tags" htmlFor="f-tags">
            <TagsInput
              id="f-tags"
              ref={tagsRef}
              size="xs"
              value={t.tags}
              searchValue={tagDraft}
              onSearchChange={setTagDraft}
              onChange={(v) => {
                const added = v.filter((x) => !t.tags.includes(x)).map((x) => x.trim().toLowerCase());
                const removed = t.tags.filter((x) => !v.includes(x));
                if (added.length || removed.length) onChange({ ...(added.length ? { add_tags: added } : {}), ...(removed.length ? { remove_tags: removed } : {}) }, "Tags");
              }}
              placeholder={t.tags.length ? undefined : "Add a tag"}
              clearable={false}
              splitChars={[",", " "]}
            />
          </Field>
        </Stack>
      </section>

      <Suspense fallback={null}>
        <SlaPanel ticket={t} />
      </Suspense>

      {t.alert && <AlertCard alert={t.alert} />}

      {t.status.category === "resolved" || t.status.category === "closed" ? (
        <section className={classes.card} aria-label="Resolution">
          <Text component="h3" className={classes.cardTitle}>
            Resolution
          </Text>
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {t.resolution_note ?? "No note."}
          </Text>
          {t.root_cause && (
            <Text size="xs" c="dimmed" mt={4} style={{ whiteSpace: "pre-wrap" }}>
              Root cause: {t.root_cause}
            </Text>
          )}
          {t.resolved_at && (
            <Text size="xs" c="dimmed" mt={4}>
              Resolved <TimeAgo iso={t.resolved_at} />
            </Text>
          )}
        </section>
      ) : null}

      {activeFields.length > 0 && (
        <section className={classes.card} aria-label="Fields">
          <Text component="h3" className={classes.cardTitle}>
            Fields
          </Text>
          <Stack gap={10}>
            {activeFields.map((f) => (
              <CustomFieldInput key={f.key} field={f} value={t.custom_fields[f.key]} onSave={(v) => onChange({ custom_fields: { [f.key]: v } }, f.label)} />
            ))}
          </Stack>
        </section>
      )}

      <RequesterCard ticket={t} />

      <section className={classes.card} aria-labelledby="links-title">
        <Group justify="space-between" mb={4}>
          <Text component="h3" id="links-title" className={classes.cardTitle} mb={0}>
            Linked tickets
          </Text>
          <Tooltip label="Link another ticket">
            <ActionIcon size="sm" variant="subtle" color="gray" onClick={p.onLink} aria-label="Link a ticket">
              <IconPlus size={14} />
            </ActionIcon>
          </Tooltip>
        </Group>
        {t.merged_into && (
          <Text size="xs" mb={4}>
            Merged into{" "}
            <Anchor component={Link} to={`/agent/tickets/${t.merged_into.reference}`} size="xs">
              {t.merged_into.reference}
            </Anchor>
          </Text>
        )}
        {t.links.length === 0 ? (
          <Text size="xs" c="dimmed">
            None. Link related tickets, a parent, or the problem that caused this.
          </Text>
        ) : (
          <Stack gap={4} component="ul" className={classes.plainList}>
            {t.links.map((l) => (
              <li key={l.id} className={classes.linkRow}>
                <IconLink size={12} aria-hidden="true" color="var(--mantine-color-gray-6)" />
                <Text span size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
                  {LINK_LABELS[l.kind] ?? l.kind}
                </Text>
                <Anchor component={Link} to={`/agent/tickets/${l.ticket.reference}`} size="xs" className={classes.otherSubject}>
                  <span className="tabular">{l.ticket.reference}</span> {l.ticket.subject}
                </Anchor>
                <ActionIcon size="xs" variant="subtle" color="gray" onClick={() => p.onRemoveLink(l.id)} aria-label={`Remove the link to ${l.ticket.reference}`}>
                  <IconX size={12} />
                </ActionIcon>
              </li>
            ))}
          </Stack>
        )}
      </section>

      {t.attachments.length > 0 && (
        <section className={classes.card} aria-labelledby="files-title">
          <Text component="h3" id="files-title" className={classes.cardTitle}>
            Files ({t.attachments.length})
          </Text>
          <AttachmentList attachments={t.attachments} size="sm" />
        </section>
      )}

      <Text size="xs" c="dimmed" px={4} pb="md">
        Created <TimeAgo iso={t.created_at} />
        {t.created_by && t.created_by.id !== t.requester.id ? ` by ${t.created_by.name}` : ""} · via {t.channel}
      </Text>
    </aside>
  );
});

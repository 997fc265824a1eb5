/** The audit trail in words: one short line per event, with the names of what changed. */
import type { Category, TicketEvent } from "@tessera/contracts";
import type { Directory } from "../api/agent-queries.ts";
import { TYPE_LABELS } from "./filter-bar.tsx";

/** Events the timeline shows as messages instead (the comment itself), or not at all. */
const SHOWN_ELSEWHERE = new Set(["created", "reply_added", "note_added", "mentioned"]);
const QUIET_FIELDS = new Set(["organization_id", "priority_overridden"]);

export function isShownAsLine(e: TicketEvent): boolean {
  if (SHOWN_ELSEWHERE.has(e.action)) return false;
  if (e.action === "field_changed" && e.field && QUIET_FIELDS.has(e.field)) return false;
  return true;
}

const LINK_WORDS: Record<string, string> = {
  related: "as related to",
  parent: "as a child of",
  child: "as the parent of",
  duplicate_of: "as a duplicate of",
  duplicated_by: "as duplicated by",
  caused_by: "as caused by",
  causes: "as the cause of",
};

function str(v: unknown): string {
  if (v === null || v === undefined || v === "") return "nothing";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/** "changed the status from Open to Waiting on requester", without the actor's name. */
export function describeEvent(e: TicketEvent, d: Directory, categories: Category[] | undefined): string {
  const status = (k: unknown) => d.statuses.get(String(k))?.label ?? str(k);
  const user = (id: unknown) => (id == null ? "nobody" : (d.users.get(Number(id))?.name ?? `user #${id}`));
  const team = (id: unknown) => (id == null ? "no team" : (d.teams.get(Number(id))?.name ?? `team #${id}`));
  const category = (id: unknown) => (id == null ? "none" : (categories?.find((c) => c.id === Number(id))?.path ?? `#${id}`));
  const nv = e.new_value as Record<string, unknown> | null;
  switch (e.action) {
    case "status_changed":
      return `changed the status from ${status(e.old_value)} to ${status(e.new_value)}`;
    case "priority_overridden":
      return `set the priority to ${str(e.new_value)} (was ${str(e.old_value)})`;
    case "reopened":
      return nv?.by === "reply" ? "reopened it by replying" : "reopened it";
    case "resolution_confirmed":
      return "confirmed the resolution";
    case "linked":
      return `linked it ${LINK_WORDS[String(nv?.kind)] ?? "to"} ${str(nv?.reference)}`;
    case "unlinked":
      return "removed a link";
    case "merged_into":
      return `merged it into ${str(nv?.reference)}`;
    case "merged_from":
      return `merged ${str(nv?.reference)} into this ticket`;
    case "split_to":
      return `split ${str(nv?.reference)} off from a comment`;
    case "split_from":
      return `made this ticket from a comment on ${str(nv?.reference)}`;
    case "snoozed":
      return `snoozed it until ${new Date(String(e.new_value)).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}`;
    case "unsnoozed":
      return "woke it from snooze";
    case "snooze_ended":
      return (nv as { by?: string } | null)?.by === "requester_reply" ? "back from snooze: the requester replied" : "back from snooze";
    case "macro_applied":
      return `applied the macro “${str(nv?.name)}”`;
    case "macro_undone":
      return `undid the macro “${str(nv?.name)}”`;
    case "field_changed":
      break;
    default:
      return e.action.replace(/_/g, " ");
  }
  const field = e.field ?? "";
  switch (field) {
    case "assignee_id":
      if (e.new_value == null) return `unassigned it (was ${user(e.old_value)})`;
      return e.actor && Number(e.new_value) === e.actor.id ? "took it" : `assigned it to ${user(e.new_value)}`;
    case "team_id":
      return e.new_value == null ? "took it off its team" : `moved it to ${team(e.new_value)}`;
    case "category_id":
      return `set the category to ${category(e.new_value)}`;
    case "priority":
      return `priority ${str(e.old_value)} → ${str(e.new_value)}`;
    case "type":
      return `changed the type to ${TYPE_LABELS[e.new_value as keyof typeof TYPE_LABELS] ?? str(e.new_value)}`;
    case "subject":
      return `renamed it to “${str(e.new_value)}”`;
    case "description":
      return "edited the description";
    case "impact":
    case "urgency":
      return `set ${field} to ${str(e.new_value)}`;
    case "requester_id":
      return "changed the requester";
    case "resolution_note":
      return e.new_value ? `wrote the resolution note: “${str(e.new_value)}”` : "cleared the resolution note";
    case "root_cause":
      return e.new_value ? `recorded the root cause: “${str(e.new_value)}”` : "cleared the root cause";
    case "is_major_incident":
      return e.new_value ? "marked it a major incident" : "unmarked it as a major incident";
    case "watchers":
      return "changed the watchers";
    case "tags": {
      const before = new Set((e.old_value as string[] | null) ?? []);
      const after = new Set((e.new_value as string[] | null) ?? []);
      const added = [...after].filter((t) => !before.has(t)).map((t) => `+${t}`);
      const removed = [...before].filter((t) => !after.has(t)).map((t) => `−${t}`);
      return `tags ${[...added, ...removed].join(" ")}`;
    }
    default:
      if (field.startsWith("custom_fields.")) return `set ${field.slice(14).replace(/_/g, " ")} to ${str(e.new_value)}`;
      return `changed ${field.replace(/_/g, " ")}`;
  }
}

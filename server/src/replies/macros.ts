/**
 * Macros: a named set of ticket changes (status, priority, assignee, team, tags) and optionally
 * a reply and an internal note. Applying one is the agent doing those things by hand, in one
 * transaction: the changes go through updateTicket and the texts through addComment as that
 * agent, so a macro can do nothing its user could not. What the changed fields were before is
 * kept, so that Undo can put them back while nobody has touched the ticket since.
 */
import { fillPlaceholders, type MacroActions, type MacroChange, type MacroPreview, placeholderValues, type TicketUpdateInput } from "@tessera/contracts";
import type { Actor } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import type { StatusRow, TicketRow } from "../db/schema.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import { recordEvents } from "../tickets/events.ts";
import { addComment } from "../tickets/comments.ts";
import { lockTicket, VersionConflict } from "../tickets/service.ts";
import { updateTicket } from "../tickets/update.ts";
import { referenceOf } from "../tickets/reference.ts";
import { canMove, isFinalCategory, loadStatuses } from "../tickets/statuses.ts";
import { assertTeamExists } from "../people/teams.ts";

type Tx = AppContext;

/** Status categories a macro may not set: resolving needs a note written for the ticket at hand. */
const NOT_BY_MACRO = ["draft", "new", "resolved", "closed"];

/** Checks that what a macro names exists, when it is saved; apply checks again (things change). */
export async function validateActions(tx: Pick<AppContext, "db" | "memo">, a: MacroActions) {
  if (a.status !== undefined) {
    const s = (await loadStatuses(tx)).find((x) => x.key === a.status && x.active);
    if (!s) throw invalid("actions.status", `there is no active status called "${a.status}"`);
    if (NOT_BY_MACRO.includes(s.category)) throw invalid("actions.status", `a macro cannot set ${s.label}: resolving needs a resolution note written for each ticket`);
  }
  await assertTeamExists(tx.db, "actions.team_id", a.team_id);
  if (typeof a.assignee === "number") {
    const u = await tx.db.selectFrom("users").select(["role", "active"]).where("id", "=", a.assignee).executeTakeFirst();
    if (!u || !u.active || u.role === "requester") throw invalid("actions.assignee", `no active agent has the id ${a.assignee}`);
  }
  const both = (a.add_tags ?? []).filter((t) => (a.remove_tags ?? []).includes(t));
  if (both.length) throw invalid("actions.remove_tags", `${both.join(", ")} cannot be both added and removed`);
}

interface Plan {
  input: TicketUpdateInput;
  /** What the changed fields were before, as an update that restores them. */
  before: TicketUpdateInput;
  changes: MacroChange[];
  reply: string | null;
  note: string | null;
  problems: string[];
}

const clip = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What a macro would do to this ticket now: only what differs, with names for people and teams. */
async function plan(tx: Tx, actor: Actor, a: MacroActions, t: TicketRow): Promise<Plan> {
  const statuses = await loadStatuses(tx);
  const label = (key: string) => statuses.find((s) => s.key === key)?.label ?? key;
  const input: TicketUpdateInput = {};
  const before: TicketUpdateInput = {};
  const changes: MacroChange[] = [];
  const problems: string[] = [];

  if (a.status !== undefined && a.status !== t.status) {
    const from = statuses.find((s) => s.key === t.status) as StatusRow;
    const to = statuses.find((s) => s.key === a.status && s.active);
    if (!to) problems.push(`There is no longer a status called “${a.status}”.`);
    else if (!canMove(from, to)) problems.push(`The status cannot go from ${from.label} to ${to.label}.`);
    input.status = a.status;
    before.status = t.status;
    changes.push({ field: "status", from: label(t.status), to: label(a.status) });
  }
  if (a.priority !== undefined && a.priority !== t.priority) {
    input.priority = a.priority;
    // Undo hands the priority back to the matrix when the matrix had set it.
    before.priority = t.priority_overridden ? (t.priority as TicketUpdateInput["priority"]) : null;
    changes.push({ field: "priority", from: t.priority, to: a.priority });
  }
  const assignee = a.assignee === "me" ? actor.id : a.assignee;
  const teamId = a.team_id;
  const ids = [t.assignee_id, typeof assignee === "number" ? assignee : null].filter((x): x is number => x != null);
  const names = new Map((ids.length ? await tx.db.selectFrom("users").select(["id", "name"]).where("id", "in", ids).execute() : []).map((u) => [u.id, u.name]));
  const teamIds = [t.team_id, teamId ?? null].filter((x): x is number => x != null);
  const teams = new Map((teamIds.length ? await tx.db.selectFrom("teams").select(["id", "name"]).where("id", "in", teamIds).execute() : []).map((x) => [x.id, x.name]));
  if (teamId !== undefined && teamId !== t.team_id) {
    if (teamId != null && !teams.has(teamId)) problems.push(`The team this macro moves tickets to no longer exists.`);
    input.team_id = teamId;
    before.team_id = t.team_id;
    changes.push({ field: "team", from: t.team_id ? (teams.get(t.team_id) ?? null) : null, to: teamId ? (teams.get(teamId) ?? "a deleted team") : null });
  }
  if (assignee !== undefined && assignee !== t.assignee_id) {
    input.assignee_id = assignee;
    before.assignee_id = t.assignee_id;
    changes.push({
      field: "assignee",
      from: t.assignee_id ? (names.get(t.assignee_id) ?? null) : null,
      to: assignee ? (assignee === actor.id ? `${actor.name} (you)` : (names.get(assignee) ?? "someone no longer here")) : null,
    });
  } else if (input.team_id !== undefined && t.assignee_id != null && assignee === undefined) {
    // Moving teams may unassign (service.ts); Undo must be able to give it back.
    before.assignee_id = t.assignee_id;
  }
  if (a.add_tags?.length || a.remove_tags?.length) {
    const current = new Set((await tx.db.selectFrom("ticket_tags").select("tag").where("ticket_id", "=", t.id).execute()).map((r) => r.tag));
    const add = [...new Set(a.add_tags ?? [])].filter((x) => !current.has(x));
    const remove = [...new Set(a.remove_tags ?? [])].filter((x) => current.has(x));
    if (add.length) input.add_tags = add;
    if (remove.length) input.remove_tags = remove;
    if (remove.length) before.add_tags = remove;
    if (add.length) before.remove_tags = add;
    if (add.length || remove.length) changes.push({ field: "tags", from: null, to: [...add.map((x) => `+${x}`), ...remove.map((x) => `−${x}`)].join(" ") });
  }

  let reply: string | null = null;
  let note: string | null = null;
  if (a.reply || a.note) {
    const requester = await tx.db.selectFrom("users").select("name").where("id", "=", t.requester_id).executeTakeFirstOrThrow();
    const values = placeholderValues({ requester, ticket: { reference: referenceOf(t), subject: t.subject }, agent: actor });
    if (a.reply) {
      reply = fillPlaceholders(a.reply, values);
      changes.push({ field: "reply", from: null, to: clip(reply) });
      if (isFinalCategory(t.status_category)) problems.push(`${referenceOf(t)} is closed, so it takes no more replies.`);
    }
    if (a.note) {
      note = fillPlaceholders(a.note, values);
      changes.push({ field: "note", from: null, to: clip(note) });
    }
  }
  return { input, before, changes, reply, note, problems };
}

export async function previewMacro(tx: Tx, actor: Actor, macro: { id: number; name: string; actions: MacroActions }, t: TicketRow): Promise<MacroPreview> {
  const p = await plan(tx, actor, macro.actions, t);
  return {
    macro: { id: macro.id, name: macro.name },
    ticket: { id: t.id, reference: referenceOf(t), version: t.version },
    changes: p.changes,
    reply: p.reply,
    note: p.note,
    problems: p.problems,
  };
}

/**
 * Applies a macro as `actor` to the ticket as of `version`, in the caller's transaction. Fails
 * as a whole (nothing changed) when any part fails, with the reason prefixed by the macro's name.
 */
export async function applyMacro(tx: Tx, actor: Actor, macro: { id: number; name: string; actions: MacroActions }, ticketId: number, version: number) {
  const t = await lockTicket(tx, ticketId);
  if (t.version !== version) throw new VersionConflict(t);
  const p = await plan(tx, actor, macro.actions, t);
  if (!p.changes.length) throw new AppError("conflict", 409, `The macro “${macro.name}” would change nothing on ${referenceOf(t)}: it is already as the macro leaves it.`);
  const via = `macro:${macro.id}`;
  const now = tx.clock.now().toISOString();
  const commentIds: number[] = [];
  try {
    let row = t;
    if (Object.keys(p.input).length) row = await updateTicket(tx, actor, t.id, p.input, t.version, { via });
    if (p.reply) commentIds.push((await addComment(tx, actor, row, { body: p.reply, format: "text", internal: false }, { via })).id);
    if (p.note) commentIds.push((await addComment(tx, actor, row, { body: p.note, format: "text", internal: true }, { via })).id);
  } catch (err) {
    if (err instanceof AppError && !(err instanceof VersionConflict)) {
      throw new AppError(err.code, err.status, `The macro “${macro.name}” was not applied, and nothing changed: ${err.message}`, err.details);
    }
    throw err;
  }
  const after = await lockTicket(tx, t.id);
  const application = await tx.db
    .insertInto("macro_applications")
    .values({
      macro_id: macro.id,
      macro_name: macro.name,
      ticket_id: t.id,
      actor_id: actor.id,
      before: JSON.stringify(p.before),
      changes: JSON.stringify(p.changes),
      comment_ids: JSON.stringify(commentIds),
      version: after.version,
      created_at: now,
      undone_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvents(tx.db, t.id, actor, via, now, [{ action: "macro_applied", new: { macro_id: macro.id, name: macro.name, application_id: application.id } }]);
  return application;
}

/**
 * Puts back the fields a macro changed, as long as the ticket is as the macro left it. A reply
 * or note it posted stays: it may already have been read or emailed. A field that cannot go
 * back (a ticket never returns to New) is named in `kept`.
 */
export async function undoMacro(tx: Tx, actor: Actor, applicationId: number) {
  const app = await tx.db.selectFrom("macro_applications").selectAll().where("id", "=", applicationId).executeTakeFirst();
  if (!app || app.actor_id !== actor.id) throw notFound("That macro application");
  if (app.undone_at) throw new AppError("conflict", 409, `The macro “${app.macro_name}” was already undone on this ticket.`);
  const t = await lockTicket(tx, app.ticket_id);
  if (t.version !== app.version) {
    throw new AppError("conflict", 409, `${referenceOf(t)} changed after the macro “${app.macro_name}” was applied, so Undo would overwrite that. Change it back by hand.`, { version: t.version });
  }
  const before = JSON.parse(app.before) as TicketUpdateInput;
  const kept: string[] = [];
  if (before.status !== undefined) {
    const statuses = await loadStatuses(tx);
    const from = statuses.find((s) => s.key === t.status)!;
    const to = statuses.find((s) => s.key === before.status && s.active);
    if (!to || !canMove(from, to)) {
      kept.push(`The status stays ${from.label}: a ticket cannot go back to ${to?.label ?? before.status}.`);
      delete before.status;
    }
  }
  const via = `macro:${app.macro_id ?? "deleted"}:undo`;
  const now = tx.clock.now().toISOString();
  if (Object.keys(before).length) await updateTicket(tx, actor, t.id, before, t.version, { via });
  await tx.db.updateTable("macro_applications").set({ undone_at: now }).where("id", "=", app.id).execute();
  await recordEvents(tx.db, t.id, actor, via, now, [{ action: "macro_undone", new: { macro_id: app.macro_id, name: app.macro_name, application_id: app.id } }]);
  return { application: { ...app, undone_at: now }, kept };
}

export function presentApplication(app: {
  id: number;
  macro_id: number | null;
  macro_name: string;
  ticket_id: number;
  changes: string;
  comment_ids: string;
  version: number;
  undone_at: string | null;
  created_at: string;
}) {
  return {
    id: app.id,
    macro: { id: app.macro_id ?? 0, name: app.macro_name },
    ticket_id: app.ticket_id,
    changes: JSON.parse(app.changes) as MacroChange[],
    comment_ids: JSON.parse(app.comment_ids) as number[],
    version: app.version,
    undone_at: app.undone_at,
    created_at: app.created_at,
  };
}

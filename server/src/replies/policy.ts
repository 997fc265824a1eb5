/**
 * Who may use and who may change a canned reply or a macro. Personal ones are their owner's
 * alone (admins included: they are someone's private shortcuts). Shared with a team: its
 * members use them. For everyone: every agent uses them.
 *
 * Changing: the owner changes their personal ones. Canned replies an agent shared with their
 * team stay theirs to change, like saved views. Supervisors of a team and admins manage what is
 * shared with it, and only supervisors and admins share macros or share anything with everyone:
 * a macro changes tickets, so what the whole team runs is chosen by those who lead it.
 */
import type { ReplyScope } from "@tessera/contracts";
import type { ExpressionBuilder } from "kysely";
import { type Actor, isAdmin, isSupervisorOrAdmin } from "../auth/actor.ts";
import type { AppContext } from "../context.ts";
import type { Database } from "../db/schema.ts";
import { forbidden, invalid } from "../errors.ts";
import { assertTeamExists } from "../people/teams.ts";

export type Kind = "canned" | "macro";
export interface Shared {
  scope: string;
  owner_id: number | null;
  team_id: number | null;
}

const inTeam = (actor: Actor, teamId: number | null) => teamId != null && actor.team_ids.includes(teamId);

export function canUse(actor: Actor, row: Shared): boolean {
  if (row.scope === "personal") return row.owner_id === actor.id;
  if (row.scope === "team") return isAdmin(actor) || inTeam(actor, row.team_id);
  return true;
}

export function canEdit(actor: Actor, row: Shared, kind: Kind): boolean {
  if (row.scope === "personal") return row.owner_id === actor.id;
  if (isAdmin(actor)) return true;
  if (row.scope === "team") return (actor.role === "supervisor" && inTeam(actor, row.team_id)) || (kind === "canned" && row.owner_id === actor.id);
  return actor.role === "supervisor";
}

/**
 * canUse() as a query condition, for listing: what is for everyone, the actor's teams' (every
 * team's for admins), and with `list=usable` the actor's personal ones too.
 */
export function listableBy(actor: Actor, list: string | undefined) {
  return (builder: ExpressionBuilder<Database, "canned_replies"> | ExpressionBuilder<Database, "macros">) => {
    // Both tables share the scope, owner and team columns this reads.
    const eb = builder as ExpressionBuilder<Database, "canned_replies">;
    const ors = [eb("scope", "=", "everyone")];
    if (list === "usable") ors.push(eb.and([eb("scope", "=", "personal"), eb("owner_id", "=", actor.id)]));
    if (isAdmin(actor)) ors.push(eb("scope", "=", "team"));
    else if (actor.team_ids.length) ors.push(eb.and([eb("scope", "=", "team"), eb("team_id", "in", actor.team_ids)]));
    return eb.or(ors);
  };
}

/** Checks a scope and team the caller wants to save with; throws a 400 or 403 that says what is allowed. */
export async function assertMayShare(ctx: Pick<AppContext, "db">, actor: Actor, scope: ReplyScope, teamId: number | null | undefined, kind: Kind) {
  const noun = kind === "canned" ? "canned replies" : "macros";
  if (scope !== "team" && teamId != null) throw invalid("team_id", `only a reply or macro shared with a team names one; leave it out for ${scope === "personal" ? "a personal one" : "everyone"}`);
  if (scope === "personal") return;
  if (scope === "everyone") {
    if (!isSupervisorOrAdmin(actor)) throw forbidden(`Only supervisors and admins share ${noun} with everyone. Keep it personal${kind === "canned" ? ", or share it with your team" : ""}.`);
    return;
  }
  if (teamId == null) throw invalid("team_id", "name the team to share it with");
  await assertTeamExists(ctx.db, "team_id", teamId);
  if (isAdmin(actor)) return;
  if (!inTeam(actor, teamId)) throw forbidden(`You can share ${noun} only with a team you belong to.`);
  if (kind === "macro" && actor.role !== "supervisor") throw forbidden("Only supervisors and admins share macros with a team. Keep it personal, or ask your supervisor.");
}

/** The sharing columns of a new canned reply or macro, owned by the actor; checked first. */
export async function sharingOfNew(ctx: Pick<AppContext, "db">, actor: Actor, b: { scope: ReplyScope; team_id?: number | null }, kind: Kind) {
  await assertMayShare(ctx, actor, b.scope, b.team_id, kind);
  return { scope: b.scope, owner_id: actor.id, team_id: b.scope === "team" ? (b.team_id ?? null) : null };
}

/**
 * The scope and team of a canned reply or macro after a change: a team stays only while it is
 * shared with one. Checked when the change names either.
 */
export async function sharingAfter(ctx: Pick<AppContext, "db">, actor: Actor, row: Shared, b: { scope?: ReplyScope; team_id?: number | null }, kind: Kind) {
  const scope = b.scope ?? (row.scope as ReplyScope);
  const teamId = b.team_id !== undefined ? b.team_id : b.scope !== undefined && b.scope !== "team" ? null : row.team_id;
  if (b.scope !== undefined || b.team_id !== undefined) await assertMayShare(ctx, actor, scope, teamId, kind);
  return { scope, team_id: scope === "team" ? teamId : null };
}

/** Users, organizations and teams. */
import type { UserCreateInput, UserUpdateInput } from "@tessera/contracts";
import type { AppContext, Executor } from "../context.ts";
import { type Actor, isAdmin, isStaff } from "../auth/actor.ts";
import { assertAcceptablePassword, hashPassword, verifyPassword } from "../auth/passwords.ts";
import { endAllSessions } from "../auth/service.ts";
import { assertNotThrottled, recordFailure } from "../auth/throttle.ts";
import { AppError, forbidden, invalid, notFound } from "../errors.ts";
import { insertUser, organizationForEmail } from "./create.ts";
import { recordAudit } from "../audit/record.ts";
import { userChangeEntries } from "../audit/entries.ts";

async function assertOrganization(db: Executor, id: number | null | undefined) {
  if (id == null) return;
  const org = await db.selectFrom("organizations").select("id").where("id", "=", id).executeTakeFirst();
  if (!org) throw invalid("organization_id", `no organization has the id ${id}`);
}

/** Admins create anyone; agents may add requesters (for a phone call or a walk-in) without a password. */
export async function createUser(ctx: AppContext, actor: Actor, input: UserCreateInput) {
  if (!isAdmin(actor) && (input.role !== "requester" || input.password !== undefined)) {
    throw forbidden("Only an admin can create staff accounts or set passwords.");
  }
  await assertOrganization(ctx.db, input.organization_id);
  const orgId = input.organization_id ?? (await organizationForEmail(ctx.db, input.email));
  const user = await insertUser(ctx, { ...input, organization_id: orgId });
  ctx.log.info({ event: "user_created", actor: actor.id, user_id: user.id, role: user.role }, "user created");
  await recordAudit(ctx, actor, {
    action: "user.created",
    target: { type: "user", id: user.id, label: user.email },
    after: { name: user.name, role: user.role, organization_id: user.organization_id },
  });
  return user;
}

export async function updateUser(ctx: AppContext, actor: Actor, userId: number, input: UserUpdateInput) {
  const user = await ctx.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
  if (!user || (!isStaff(actor) && actor.id !== userId)) throw notFound("The user");
  const self = actor.id === userId;
  const keys = Object.keys(input);
  if (!isAdmin(actor) && !(self && keys.every((k) => k === "name" || k === "password" || k === "current_password"))) {
    throw forbidden("Only an admin can change other people's accounts, roles or status.");
  }
  if (self && (input.active === false || (input.role && input.role !== "admin" && user.role === "admin"))) {
    throw forbidden("You cannot disable your own account or remove your own admin role.");
  }
  if (input.password !== undefined) assertAcceptablePassword(input.password);
  // A stolen session or token must not be enough to take the account over (ASVS 6.2.3).
  if (self && input.password !== undefined && user.password_hash !== null) {
    if (input.current_password === undefined) throw invalid("current_password", "give your current password to set a new one");
    // Guesses here count against the same throttle as sign-in, or this would be a way around it.
    const key = [`email:${user.email}`];
    await assertNotThrottled(ctx, key);
    if (!(await verifyPassword(input.current_password, user.password_hash))) {
      await recordFailure(ctx, key);
      throw invalid("current_password", "is not right");
    }
  }
  await assertOrganization(ctx.db, input.organization_id);
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .updateTable("users")
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.role !== undefined && { role: input.role }),
      ...(input.organization_id !== undefined && { organization_id: input.organization_id }),
      ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
      ...(input.password !== undefined && { password_hash: await hashPassword(input.password) }),
      updated_at: now,
    })
    .where("id", "=", userId)
    .execute();
  // Disabling ends sessions and tokens at once; a new password ends the other sessions.
  if (input.active === false) await endAllSessions(ctx, userId, { tokens: true });
  else if (input.password !== undefined) {
    let q = ctx.db.deleteFrom("sessions").where("user_id", "=", userId);
    if (self && actor.session) q = q.where("id_hash", "!=", actor.session.idHash);
    await q.execute();
  }
  if (input.role !== undefined && input.role !== user.role) {
    await ctx.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  }
  await recordAudit(ctx, actor, userChangeEntries(user, input));
  ctx.log.info(
    { event: "user_updated", actor: actor.id, user_id: userId, fields: keys.filter((k) => k !== "password" && k !== "current_password").concat(input.password ? ["password"] : []) },
    "user updated",
  );
}

// ---- Teams --------------------------------------------------------------------------------

export async function addTeamMember(ctx: AppContext, actor: Actor, teamId: number, userId: number) {
  const team = await assertCanManageTeam(ctx, actor, teamId);
  const user = await ctx.db.selectFrom("users").select(["id", "role", "email"]).where("id", "=", userId).executeTakeFirst();
  if (!user) throw invalid("user_id", `no user has the id ${userId}`);
  if (user.role === "requester") throw invalid("user_id", "requesters cannot be team members; make them an agent first");
  await ctx.db
    .insertInto("team_members")
    .values({ team_id: teamId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  ctx.log.info({ event: "team_member_added", actor: actor.id, team_id: teamId, user_id: userId }, "team member added");
  await recordAudit(ctx, actor, { action: "team.member_added", target: { type: "team", id: teamId, label: team.name }, detail: { user_id: userId, user_email: user.email } });
}

export async function removeTeamMember(ctx: AppContext, actor: Actor, teamId: number, userId: number) {
  const team = await assertCanManageTeam(ctx, actor, teamId);
  const user = await ctx.db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
  await ctx.db.deleteFrom("team_members").where("team_id", "=", teamId).where("user_id", "=", userId).execute();
  ctx.log.info({ event: "team_member_removed", actor: actor.id, team_id: teamId, user_id: userId }, "team member removed");
  await recordAudit(ctx, actor, { action: "team.member_removed", target: { type: "team", id: teamId, label: team.name }, detail: { user_id: userId, user_email: user?.email ?? null } });
}

/** Admins manage every team; supervisors manage the teams they belong to. */
async function assertCanManageTeam(ctx: AppContext, actor: Actor, teamId: number) {
  const team = await ctx.db.selectFrom("teams").select(["id", "name"]).where("id", "=", teamId).executeTakeFirst();
  if (!team || !isStaff(actor)) throw notFound("The team");
  if (isAdmin(actor)) return team;
  if (actor.role === "supervisor" && actor.team_ids.includes(teamId)) return team;
  throw new AppError("forbidden", 403, "Only an admin, or a supervisor of this team, can change its members.");
}

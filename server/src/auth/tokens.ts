/** API tokens as people manage them: your own, or (admins) anyone's. Issuing and revoking are audited. */
import type { TokenScope } from "@tessera/contracts";
import type { AppContext, Executor } from "../context.ts";
import { type Actor, isAdmin } from "./actor.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { recordAudit } from "../audit/record.ts";
import { createApiToken } from "./service.ts";
import { parseScopes, scopesForNewToken } from "./scopes.ts";

export async function listTokens(db: Executor, actor: Actor, userId: number) {
  if (userId !== actor.id && !isAdmin(actor)) throw forbidden("Only an admin can see other people's tokens.");
  const rows = await db.selectFrom("api_tokens").select(["id", "name", "user_id", "scopes", "created_at", "last_used_at", "revoked_at"]).where("user_id", "=", userId).orderBy("id").execute();
  return rows.map((r) => ({ ...r, scopes: parseScopes(r.scopes) }));
}

/** Creates a token for an active user; the token itself is in the answer, and only there. */
export async function issueToken(ctx: AppContext, actor: Actor, userId: number, name: string, requested?: TokenScope[]) {
  if (userId !== actor.id && !isAdmin(actor)) throw forbidden("Only an admin can create tokens for other people.");
  const user = await ctx.db.selectFrom("users").select(["id", "active", "role"]).where("id", "=", userId).executeTakeFirst();
  if (!user || !user.active) throw new AppError("validation_failed", 400, "user_id: no active user has this id");
  const token = await createApiToken(ctx, userId, name, scopesForNewToken(requested, user));
  await recordAudit(ctx, actor, { action: "token.created", target: { type: "token", id: token.id, label: token.name }, detail: { user_id: userId, scopes: token.scopes } });
  ctx.log.info({ event: "token_created", actor: actor.id, user_id: userId, token_id: token.id }, "API token created");
  return token;
}

export async function revokeToken(ctx: AppContext, actor: Actor, id: number) {
  const token = await ctx.db.selectFrom("api_tokens").select(["id", "user_id", "name"]).where("id", "=", id).executeTakeFirst();
  if (!token || (token.user_id !== actor.id && !isAdmin(actor))) throw notFound("The token");
  await ctx.db.updateTable("api_tokens").set({ revoked_at: ctx.clock.now().toISOString() }).where("id", "=", token.id).where("revoked_at", "is", null).execute();
  await recordAudit(ctx, actor, { action: "token.revoked", target: { type: "token", id: token.id, label: token.name }, detail: { user_id: token.user_id } });
  ctx.log.info({ event: "token_revoked", actor: actor.id, token_id: token.id }, "API token revoked");
}

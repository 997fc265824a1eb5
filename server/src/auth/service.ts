import type { LoginInput, SetupInput, TokenScope } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { getSetting, putSetting } from "../settings/store.ts";
import { insertUser } from "../people/create.ts";
import { assertAcceptablePassword, verifyPassword } from "./passwords.ts";
import { hmac, randomToken, sha256 } from "./secrets.ts";
import { assertNotThrottled, clearFailures, recordFailure } from "./throttle.ts";
import { recordAudit } from "../audit/record.ts";
import { parseScopes, storeScopes } from "./scopes.ts";

export interface NewSession {
  id: string;
  csrfToken: string;
  userId: number;
  expiresAt: Date;
}

/** Every failed sign-in gets this same answer, whether or not the account exists. */
const invalidCredentials = () => new AppError("invalid_credentials", 401, "The email or password is not right.");

export async function createSession(ctx: AppContext, userId: number, client: { ip?: string; userAgent?: string }): Promise<NewSession> {
  const now = ctx.clock.now();
  const id = randomToken(32); // 256 bits
  const csrfToken = randomToken(24);
  const expiresAt = new Date(now.getTime() + ctx.config.session.maxMs);
  await ctx.db
    .insertInto("sessions")
    .values({
      id_hash: sha256(id),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      ip: client.ip ?? null,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { id, csrfToken, userId, expiresAt };
}

export async function login(ctx: AppContext, input: LoginInput, client: { ip: string; userAgent?: string }): Promise<NewSession> {
  const keys = [`email:${input.email}`, `ip:${client.ip}`];
  const audit = { client: { ip: client.ip, userAgent: client.userAgent ?? null } };
  const failed = (reason: string) => ({ action: "auth.sign_in_failed" as const, target: { type: "user", label: input.email.slice(0, 254) }, detail: { reason } });
  await assertNotThrottled(ctx, keys).catch(async (err) => {
    await recordAudit(ctx, audit, failed("throttled"));
    throw err;
  });
  const user = await ctx.db.selectFrom("users").select(["id", "password_hash", "active", "name", "email"]).where("email", "=", input.email).executeTakeFirst();
  // The hash is checked even for unknown or disabled accounts so the answer takes the same time.
  const passwordRight = await verifyPassword(input.password, user?.password_hash ?? null);
  const ok = passwordRight && !!user?.active;
  if (!ok || !user) {
    await recordFailure(ctx, keys);
    ctx.log.warn({ event: "login_failed", email: input.email, ip: client.ip }, "sign-in failed");
    // No change to belong to: the failure is written on its own.
    await recordAudit(ctx, audit, failed(!user ? "unknown_account" : !passwordRight ? "wrong_password" : "account_disabled"));
    throw invalidCredentials();
  }
  await clearFailures(ctx, keys[0]);
  await ctx.db.updateTable("users").set({ last_login_at: ctx.clock.now().toISOString() }).where("id", "=", user.id).execute();
  ctx.log.info({ event: "login_succeeded", user_id: user.id, ip: client.ip }, "signed in");
  await recordAudit(ctx, { ...audit, id: user.id, name: user.name, email: user.email, auth: "session" }, { action: "auth.signed_in", target: { type: "user", id: user.id, label: user.email } });
  return createSession(ctx, user.id, client);
}

export async function logout(ctx: AppContext, sessionIdHash: string): Promise<void> {
  await ctx.db.deleteFrom("sessions").where("id_hash", "=", sessionIdHash).execute();
}

/** Ends every session and API token of a user at once (on disable or password change). */
export async function endAllSessions(ctx: AppContext, userId: number, opts: { tokens: boolean }): Promise<void> {
  await ctx.db.deleteFrom("sessions").where("user_id", "=", userId).execute();
  if (opts.tokens) {
    await ctx.db.updateTable("api_tokens").set({ revoked_at: ctx.clock.now().toISOString() }).where("user_id", "=", userId).where("revoked_at", "is", null).execute();
  }
}

// ---- API tokens ---------------------------------------------------------------------------

/** A new token; without scopes it may do everything its owner can (`all`). */
export async function createApiToken(ctx: AppContext, userId: number, name: string, scopes: readonly TokenScope[] = ["all"]) {
  const token = `tsr_${randomToken(32)}`;
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db
    .insertInto("api_tokens")
    .values({ user_id: userId, name, token_hash: hmac(ctx.secret, token), scopes: storeScopes(scopes), created_at: now })
    .returning(["id", "name", "user_id", "scopes", "created_at", "last_used_at", "revoked_at"])
    .executeTakeFirstOrThrow();
  return { ...row, scopes: parseScopes(row.scopes), token };
}

// ---- First admin --------------------------------------------------------------------------

interface SetupToken {
  hash: string;
  expires_at: string;
}
const SETUP_TTL_MS = 24 * 3_600_000;

export async function hasAdmin(ctx: AppContext): Promise<boolean> {
  const row = await ctx.db.selectFrom("users").select("id").where("role", "=", "admin").where("active", "=", 1).executeTakeFirst();
  return !!row;
}

/**
 * On start with no admin: creates one from TESSERA_ADMIN_EMAIL/PASSWORD when given, otherwise
 * issues a one-time setup token (valid 24 hours) and returns the link that uses it.
 */
export async function prepareFirstAdmin(ctx: AppContext): Promise<{ created?: string; setupUrl?: string } | undefined> {
  if (await hasAdmin(ctx)) return undefined;
  if (ctx.config.admin) {
    assertAcceptablePassword(ctx.config.admin.password, "TESSERA_ADMIN_PASSWORD");
    await insertUser(ctx, { email: ctx.config.admin.email, name: ctx.config.admin.name, role: "admin", password: ctx.config.admin.password });
    return { created: ctx.config.admin.email };
  }
  const token = randomToken(24);
  const now = ctx.clock.now();
  await putSetting(ctx.db, "setup_token", { hash: sha256(token), expires_at: new Date(now.getTime() + SETUP_TTL_MS).toISOString() }, now.toISOString());
  return { setupUrl: `${ctx.config.publicUrl}/setup?token=${token}` };
}

/**
 * What a setup link can do now. Once an admin exists every link is spent, whatever its token:
 * the token is deleted with its use, so a used link and an unknown one differ only by that.
 */
export type SetupLinkState = "usable" | "admin_exists" | "invalid_or_expired_link";

export async function checkSetupLink(ctx: AppContext, token: string): Promise<SetupLinkState> {
  if (await hasAdmin(ctx)) return "admin_exists";
  const stored = await getSetting<SetupToken>(ctx.db, "setup_token");
  const valid = stored && stored.hash === sha256(token) && Date.parse(stored.expires_at) > ctx.clock.now().getTime();
  return valid ? "usable" : "invalid_or_expired_link";
}

/** The words a person sees for a link that cannot be used, on the page and from the API alike. */
export const setupRefusalMessages: Record<Exclude<SetupLinkState, "usable">, string> = {
  admin_exists: "This setup link has already been used: an administrator exists. Sign in instead.",
  invalid_or_expired_link:
    "This setup link is not valid any more (links last 24 hours). Restart Tessera to print a new one, or run `npx tessera user add --role admin --email you@example.com --name 'Your Name'` on the server.",
};

/** Uses the one-time setup token to create the first admin; the token dies with its use. */
export async function completeSetup(ctx: AppContext, input: SetupInput, client: { ip: string; userAgent?: string }) {
  const state = await checkSetupLink(ctx, input.token);
  const caller = { client: { ip: client.ip, userAgent: client.userAgent ?? null } };
  if (state !== "usable") {
    await recordAudit(ctx, caller, { action: "auth.setup_refused", target: { type: "user", label: input.email }, detail: { reason: state } });
    throw new AppError("forbidden", 403, setupRefusalMessages[state]);
  }
  assertAcceptablePassword(input.password);
  const user = await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("settings").where("key", "=", "setup_token").execute();
    const admin = await insertUser({ ...ctx, db: trx }, { email: input.email, name: input.name, role: "admin", password: input.password });
    await recordAudit(
      { ...ctx, db: trx },
      { ...caller, id: admin.id, name: admin.name, email: admin.email, auth: "session" },
      { action: "auth.setup_used", target: { type: "user", id: admin.id, label: admin.email } },
    );
    return admin;
  });
  ctx.log.info({ event: "first_admin_created", user_id: user.id }, "first admin created");
  return user;
}

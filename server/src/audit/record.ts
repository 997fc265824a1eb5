/**
 * The one writer of the admin and security audit trail. It appends entries and does nothing
 * else. Called in the transaction of the change it describes where there is one (pass that
 * transaction's context); an event with no change of its own (a failed sign-in, a download)
 * is written on its own.
 */
import type { AuditAction } from "@tessera/contracts";
import type { AppContext } from "../context.ts";

/** Who did it, and from where. An Actor (the auth hook fills in `client`) fits as it is. */
export interface AuditCaller {
  id?: number | null;
  name?: string | null;
  email?: string | null;
  auth?: "session" | "token";
  client?: AuditClient;
  /** How, when not from a request: "cli" for the `tessera` command. */
  via?: string;
}

/** The `tessera` command on the server (user add, token create): no person, no address. */
export const COMMAND_LINE: AuditCaller = { name: "The tessera command", via: "cli" };

/** The client's address (request.ip, so TESSERA_TRUSTED_PROXIES applies) and its User-Agent. */
export interface AuditClient {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  action: AuditAction;
  target?: { type: string; id?: string | number | null; label?: string | null };
  /** The whole object (or value) before and after: only the fields that differ are kept. */
  before?: unknown;
  after?: unknown;
  detail?: Record<string, unknown>;
}

const REDACTED = "[redacted]";
/** Field names whose values are never written down, at any depth. */
const SECRET = /(^|_)(password|passphrase|secret|token|credentials?|api_?key|private_?key)$/i;
const USER_AGENT_MAX = 400;

/** A secret is text under a secret's name; null ("none set") and flags such as has_password are not. */
const isSecret = (key: string, value: unknown) => SECRET.test(key) && typeof value === "string" && value !== "";

/** A copy with every secret replaced by "[redacted]", at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecret(k, v) ? REDACTED : redact(v)]));
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * The fields that differ between two objects, each side redacted. A secret that changed
 * shows as "[redacted]" on both sides (and so is listed), one that did not is left out.
 */
export function changedFields(before: unknown, after: unknown): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
  if (before === undefined && after === undefined) return { before: null, after: null };
  if (!isRecord(before) || !isRecord(after)) {
    const wrap = (v: unknown) => (v === undefined ? null : isRecord(v) ? (redact(v) as Record<string, unknown>) : { value: redact(v) });
    return { before: wrap(before), after: wrap(after) };
  }
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (same(before[key], after[key])) continue;
    b[key] = isSecret(key, before[key]) ? REDACTED : redact(before[key] ?? null);
    a[key] = isSecret(key, after[key]) ? REDACTED : redact(after[key] ?? null);
  }
  return { before: b, after: a };
}

const json = (v: unknown) => (v == null ? null : JSON.stringify(v));

/** Appends one entry or several to the audit trail, in `ctx.db` (a transaction or the database). */
export async function recordAudit(ctx: Pick<AppContext, "db" | "clock">, caller: AuditCaller | null | undefined, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto("audit_events")
    .values(
      list.map((e) => {
        const diff = changedFields(e.before, e.after);
        return {
          created_at: now,
          actor_id: caller?.id ?? null,
          actor_name: caller?.name ?? null,
          actor_email: caller?.email ?? null,
          via: caller?.via ?? (caller?.auth === "token" ? "api" : caller?.client ? "web" : "system"),
          action: e.action,
          target_type: e.target?.type ?? null,
          target_id: e.target?.id == null ? null : String(e.target.id),
          target_label: e.target?.label ?? null,
          before: json(diff.before),
          after: json(diff.after),
          detail: json(e.detail ? redact(e.detail) : null),
          ip: caller?.client?.ip ?? null,
          user_agent: caller?.client?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        };
      }),
    )
    .execute();
}

/** The client of a request as the audit trail records it. */
export function clientOf(req: { ip: string; headers: Record<string, unknown> }): AuditClient {
  const ua = req.headers["user-agent"];
  return { ip: req.ip ?? null, userAgent: typeof ua === "string" ? ua : null };
}

/** An API token's use: its first ever, then the first of each clock hour (the caller decides when; see actorFromToken). */
export async function recordTokenUse(ctx: Pick<AppContext, "db" | "clock">, actor: AuditCaller & { token?: { id: number; name: string; firstUse: boolean; auditUse: boolean } }): Promise<void> {
  if (!actor.token?.auditUse) return;
  await recordAudit(ctx, actor, { action: "token.used", target: { type: "token", id: actor.token.id, label: actor.token.name }, detail: { first_use: actor.token.firstUse } });
}

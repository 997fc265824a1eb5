/** An audit entry as the API shows it, with a sentence a person reads at a glance. */
import type { AuditAction, AuditEvent } from "@tessera/contracts";
import type { Selectable } from "kysely";
import type { AuditEventsTable } from "./tables.ts";

type Row = Selectable<AuditEventsTable>;
type Values = Record<string, unknown> | null;

const FAILURE_WORDS: Record<string, string> = {
  wrong_password: "wrong password",
  unknown_account: "no such account",
  account_disabled: "account disabled",
  throttled: "too many attempts",
};

const KIND_WORDS: Record<string, string> = {
  organization: "the organization",
  team: "the team",
  status: "the status",
  custom_field: "the custom field",
  category: "the category",
  mailbox: "the mailbox",
  sla_calendar: "the business-hours calendar",
  sla_policy: "the SLA policy",
  macro: "the macro",
  canned_reply: "the canned reply",
  view: "the saved view",
  mail_template: "the mail template",
};

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "nothing";
  if (typeof v === "string") return `“${v.length > 60 ? `${v.slice(0, 57)}…` : v}”`;
  if (typeof v === "boolean") return v ? "on" : "off";
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** "name from “A” to “B”; active from on to off", nested values flattened to "matrix.high.low". */
function changes(before: Values, after: Values): string {
  const flat = (v: unknown, prefix: string, out: Map<string, unknown>) => {
    if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) flat(x, prefix ? `${prefix}.${k}` : k, out);
    else out.set(prefix, v);
    return out;
  };
  const b = flat(before ?? {}, "", new Map());
  const a = flat(after ?? {}, "", new Map());
  const parts: string[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    if (JSON.stringify(b.get(key)) === JSON.stringify(a.get(key))) continue;
    parts.push(`${key || "value"} from ${show(b.get(key))} to ${show(a.get(key))}`);
  }
  return parts.length > 4 ? `${parts.slice(0, 4).join("; ")} and ${parts.length - 4} more` : parts.join("; ");
}

/** A short name for the browser and system a User-Agent names. Kept this small on purpose: the full string is shown beside it. */
export function browserOf(ua: string | null): string | null {
  if (!ua) return null;
  const BROWSERS: Array<[RegExp, string]> = [
    [/Edg\/(\d+)/, "Edge"],
    [/OPR\/(\d+)/, "Opera"],
    [/Firefox\/(\d+)/, "Firefox"],
    [/Chrom(?:e|ium)\/(\d+)/, "Chrome"],
    [/Version\/(\d+)[^ ]* .*Safari\//, "Safari"],
    [/curl\/(\d+)/, "curl"],
  ];
  const name = BROWSERS.map(([re, label]) => {
    const m = re.exec(ua);
    return m ? `${label} ${m[1]}` : null;
  }).find(Boolean);
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : null;
  if (!name) return ua.length > 40 ? `${ua.slice(0, 37)}…` : ua;
  return os ? `${name} on ${os}` : name;
}

const VERBS: Partial<Record<string, string>> = { created: "created", updated: "changed", deleted: "deleted" };

export function auditSentence(r: Pick<Row, "action" | "actor_name" | "actor_email" | "target_type" | "target_id" | "target_label">, before: Values, after: Values, detail: Values): string {
  const who = r.actor_name ?? r.actor_email ?? "Tessera";
  const target = r.target_label ?? (r.target_id ? `#${r.target_id}` : "");
  const diff = changes(before, after);
  const action = r.action as AuditAction;
  switch (action) {
    case "auth.signed_in":
      return `${who} signed in`;
    case "auth.sign_in_failed":
      return `Failed sign-in for ${target} (${FAILURE_WORDS[String(detail?.reason)] ?? String(detail?.reason ?? "refused")})`;
    case "auth.signed_out":
      return `${who} signed out`;
    case "auth.setup_used":
      return `${who} used the setup link and became the first admin`;
    case "auth.setup_refused":
      return `The setup link was refused for ${target} (${detail?.reason === "admin_exists" ? "an admin already exists" : "invalid or expired link"})`;
    case "token.created":
      return `${who} created the API token “${target}”`;
    case "token.revoked":
      return `${who} revoked the API token “${target}”`;
    case "token.used":
      return detail?.first_use ? `${who} used the API token “${target}” for the first time` : `${who} used the API token “${target}”`;
    case "user.created":
      return `${who} created the account ${target}${after?.role ? ` (${String(after.role)})` : ""}`;
    case "user.updated":
      return `${who} changed the account ${target}: ${diff}`;
    case "user.role_changed":
      return `${who} changed the role of ${target} from ${String(before?.role)} to ${String(after?.role)}`;
    case "user.deactivated":
      return `${who} disabled the account ${target}`;
    case "user.reactivated":
      return `${who} enabled the account ${target}`;
    case "user.password_changed":
      return r.target_label === r.actor_email ? `${who} changed their own password` : `${who} set a new password for ${target}`;
    case "team.member_added":
      return `${who} added ${String(detail?.user_email ?? `user #${detail?.user_id}`)} to the team ${target}`;
    case "team.member_removed":
      return `${who} removed ${String(detail?.user_email ?? `user #${detail?.user_id}`)} from the team ${target}`;
    case "setting.changed":
      return `${who} changed the setting ${target}${diff ? `: ${diff}` : ""}`;
    case "mail_template.changed":
      return `${who} changed the mail template ${target}`;
    case "mail_template.reset":
      return `${who} put the mail template ${target} back to the default`;
    case "mail.failed_downloaded":
      return `${who} downloaded the failed message ${target} (.eml)`;
    case "mail.message_downloaded":
      return `${who} downloaded the received message ${target} (.eml)`;
    case "mail.failed_reprocessed":
      return `${who} re-processed the failed message ${target}`;
    case "mail.failed_discarded":
      return `${who} discarded the failed message ${target}`;
    case "mail.outbox_retried":
      return `${who} sent the outgoing message ${target} again`;
    case "sla_policy.reordered":
      return `${who} changed the order of the SLA policies`;
    case "job.retried":
      return `${who} queued the dead background job ${target} #${r.target_id} again`;
    case "job.discarded":
      return `${who} discarded the dead background job ${target} #${r.target_id}`;
    case "sla.recomputed":
      return `${who} recomputed the SLA of ${String(detail?.recomputed ?? "the")} open tickets`;
  }
  const [kind, verb] = action.split(".");
  const what = `${KIND_WORDS[kind] ?? kind.replace(/_/g, " ")} ${target}`.trim();
  return `${who} ${VERBS[verb] ?? verb} ${what}${verb === "updated" && diff ? `: ${diff}` : ""}`;
}

const parse = (s: string | null): Values => (s ? (JSON.parse(s) as Values) : null);

export function presentAuditEvent(r: Row): AuditEvent {
  const before = parse(r.before);
  const after = parse(r.after);
  const detail = parse(r.detail);
  return {
    id: r.id,
    at: r.created_at,
    action: r.action as AuditAction,
    actor: r.actor_id != null ? { id: r.actor_id, name: r.actor_name ?? "", email: r.actor_email ?? "" } : null,
    via: r.via,
    target: r.target_type ? { type: r.target_type, id: r.target_id, label: r.target_label } : null,
    before,
    after,
    detail,
    ip: r.ip,
    user_agent: r.user_agent,
    browser: browserOf(r.user_agent),
    sentence: auditSentence(r, before, after, detail),
  };
}

/** Mailbox health: the status badge and line in the list, and the health panel in the editor. */
import { Alert } from "@mantine/core";
import { IconAlertTriangle, IconInbox } from "@tabler/icons-react";
import type { MailboxHealth } from "@tessera/contracts";
import { formatLag } from "../api/mail.ts";
import { formatDateTime } from "../ui/format.ts";
import { TimeAgo } from "../ui/time-ago.tsx";
import mail from "./mail.module.css";

/** Waiting longer than this is lagging, shown in red. */
const LAG_ALERT_SECONDS = 15 * 60;

const STATUS_WORDS: Record<MailboxHealth["status"], string> = {
  ok: "Fetching",
  error: "Failing",
  stale: "Not fetched lately",
  pending: "Not fetched yet",
  smtp_only: "Receives by SMTP or pipe",
  inactive: "Switched off",
};

export function healthTone(h: MailboxHealth | undefined): "ok" | "bad" | "wait" | "off" {
  if (!h) return "off";
  if (h.status === "error" || h.status === "stale" || h.lag_seconds > LAG_ALERT_SECONDS) return "bad";
  if (h.status === "ok" || h.status === "smtp_only") return "ok";
  if (h.status === "pending") return "wait";
  return "off";
}

export function HealthBadge({ health, loading = false }: { health: MailboxHealth | undefined; loading?: boolean }) {
  const tone = healthTone(health);
  const word = !health ? (loading ? "Checking…" : "Unknown") : health.status === "ok" && tone === "bad" ? "Lagging" : STATUS_WORDS[health.status];
  return (
    <span className={mail.health} data-tone={tone}>
      <span className={mail.healthDot} aria-hidden="true" />
      {word}
    </span>
  );
}

/** "Fetched 3 min ago · 2 waiting (oldest 4 min)". */
export function HealthLine({ health }: { health: MailboxHealth }) {
  if (health.status === "smtp_only" || health.status === "inactive") return null;
  const bad = healthTone(health) === "bad";
  return (
    <span className={mail.healthLine} data-bad={bad || undefined}>
      <span>{health.last_success_at ? <TimeAgo iso={health.last_success_at} prefix="Fetched" /> : "Never fetched"}</span>
      {health.waiting > 0 && (
        <span>
          {health.waiting} waiting (oldest {formatLag(health.lag_seconds)})
        </span>
      )}
    </span>
  );
}

export function HealthPanel({ health }: { health: MailboxHealth | undefined }) {
  if (!health) return null;
  const tone = healthTone(health);
  return (
    <section aria-label="Mailbox health">
      <Alert
        role="status"
        color={tone === "bad" ? "red" : tone === "ok" ? "teal" : "gray"}
        variant="light"
        mb="md"
        icon={tone === "bad" ? <IconAlertTriangle size={18} /> : <IconInbox size={18} />}
        title={<HealthBadge health={health} />}
      >
        <dl className={mail.facts}>
          <dt>Last successful fetch</dt>
          <dd>{health.last_success_at ? formatDateTime(health.last_success_at) : health.status === "smtp_only" ? "Nothing to fetch: mail is delivered to Tessera" : "Never"}</dd>
          <dt>Waiting</dt>
          <dd>{health.waiting ? `${health.waiting} ${health.waiting === 1 ? "message" : "messages"}, the oldest for ${formatLag(health.lag_seconds)}` : "Nothing"}</dd>
          {health.last_error && (
            <>
              <dt>Last error</dt>
              <dd>
                {health.last_error}
                {health.last_error_at ? ` (${formatDateTime(health.last_error_at)})` : ""}
              </dd>
            </>
          )}
        </dl>
      </Alert>
    </section>
  );
}

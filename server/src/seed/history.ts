/**
 * Parts of the demo desk's made-up past that the live code would otherwise do "now", telling
 * people about things weeks old.
 */
import { sql } from "kysely";
import type { AppContext } from "../context.ts";
import type { TicketRow } from "../db/schema.ts";
import { syncSla } from "../sla/sync.ts";
import { defaultStatusOf, loadStatuses } from "../tickets/statuses.ts";

/**
 * Closes a resolved ticket as auto-close did when it fell due (`at`): the same status change and
 * audit event (`via: auto_close`), dated then. Unlike the sweep it notifies and mails nobody (the
 * event is written directly, not through recordEvents, whose auto_close mail is for a close
 * happening now).
 */
export async function closeAsAutoClosed(tx: AppContext, t: TicketRow, at: string): Promise<void> {
  const closed = defaultStatusOf(await loadStatuses(tx), "closed");
  await tx.db
    .updateTable("tickets")
    .set({ status: closed.key, status_category: closed.category, closed_at: at, updated_at: at, version: sql`version + 1` })
    .where("id", "=", t.id)
    .execute();
  await tx.db
    .insertInto("ticket_events")
    .values({
      ticket_id: t.id,
      actor_id: null,
      via: "auto_close",
      action: "status_changed",
      field: "status",
      old_value: JSON.stringify(t.status),
      new_value: JSON.stringify(closed.key),
      created_at: at,
    })
    .execute();
  await syncSla({ ...tx, clock: { now: () => new Date(at) } }, t.id, { via: "auto_close" });
}

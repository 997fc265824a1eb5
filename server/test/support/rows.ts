/** Counting rows in a test desk's database itself: a list page would miss a row past its limit or hidden from the caller. */
import type { TestDesk } from "../harness.ts";

export async function countRows(desk: TestDesk, table: "tickets" | "comments" | "ticket_events" | "attachments"): Promise<number> {
  const row = await desk.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

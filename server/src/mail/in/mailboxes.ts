/** Mailboxes: the addresses Tessera takes mail at, and what a new ticket from each gets. */
import type { Selectable } from "kysely";
import type { AppContext, Executor } from "../../context.ts";
import type { MailboxesTable } from "./tables.ts";

export type MailboxRow = Selectable<MailboxesTable>;

/** The active mailbox for the first of these addresses that is one of ours. */
export async function mailboxFor(db: Executor, addresses: string[]): Promise<MailboxRow | undefined> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))].slice(0, 100);
  if (!wanted.length) return undefined;
  const rows = await db.selectFrom("mailboxes").selectAll().where("address", "in", wanted).where("active", "=", 1).execute();
  for (const a of wanted) {
    const row = rows.find((r) => r.address === a);
    if (row) return row;
  }
  return undefined;
}

export async function mailboxById(db: Executor, id: number): Promise<MailboxRow | undefined> {
  return db.selectFrom("mailboxes").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every address of ours, so that copying the desk in never makes the desk a watcher. */
export async function ourAddresses(ctx: Pick<AppContext, "db">): Promise<Set<string>> {
  const rows = await ctx.db.selectFrom("mailboxes").select("address").execute();
  return new Set(rows.map((r) => r.address));
}

/** May this sender open a ticket through this mailbox? Known people may, and listed addresses or domains. */
export function senderAllowed(mailbox: MailboxRow | undefined, address: string, known: boolean): boolean {
  if (!mailbox || !mailbox.restrict_senders || known) return true;
  const list = (JSON.parse(mailbox.allowed_senders) as string[]).map((s) => s.toLowerCase().replace(/^@/, ""));
  const domain = address.split("@")[1] ?? "";
  return list.some((entry) => (entry.includes("@") ? entry === address : domain === entry || domain.endsWith(`.${entry}`)));
}

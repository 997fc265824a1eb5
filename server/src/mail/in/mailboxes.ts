/** Mailboxes: the addresses Tessera takes mail at, and what a new ticket from each gets. */
import type { Selectable } from "kysely";
import type { AppContext, Executor, Reader } from "../../context.ts";
import type { MailboxesTable } from "./tables.ts";

export type MailboxRow = Selectable<MailboxesTable>;

const MEMO_KEY = "mail.mailboxes";

/** Every mailbox, cached for a few seconds (intake reads them for every message; they rarely change). */
export function allMailboxes(ctx: Reader): Promise<MailboxRow[]> {
  return ctx.memo.get(MEMO_KEY, () => ctx.db.selectFrom("mailboxes").selectAll().execute());
}

/** Called after any change to mailboxes, so this node sees it at once. */
export function forgetMailboxes(ctx: Pick<AppContext, "memo">) {
  ctx.memo.forget(MEMO_KEY);
}

/** The active mailbox for the first of these addresses that is one of ours. */
export async function mailboxFor(ctx: Reader, addresses: string[]): Promise<MailboxRow | undefined> {
  const rows = (await allMailboxes(ctx)).filter((r) => r.active);
  for (const a of addresses) {
    const row = rows.find((r) => r.address === a.toLowerCase());
    if (row) return row;
  }
  return undefined;
}

export async function mailboxById(db: Executor, id: number): Promise<MailboxRow | undefined> {
  return db.selectFrom("mailboxes").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Every address of ours, so that copying the desk in never makes the desk a watcher. */
export async function ourAddresses(ctx: Reader): Promise<Set<string>> {
  return new Set((await allMailboxes(ctx)).map((r) => r.address));
}

/** May this sender open a ticket through this mailbox? Known people may, and listed addresses or domains. */
export function senderAllowed(mailbox: MailboxRow | undefined, address: string, known: boolean): boolean {
  if (!mailbox || !mailbox.restrict_senders || known) return true;
  const list = (JSON.parse(mailbox.allowed_senders) as string[]).map((s) => s.toLowerCase().replace(/^@/, ""));
  const domain = address.split("@")[1] ?? "";
  return list.some((entry) => (entry.includes("@") ? entry === address : domain === entry || domain.endsWith(`.${entry}`)));
}

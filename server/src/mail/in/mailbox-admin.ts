/**
 * Adding, changing and removing mailboxes (admins), and their health. Each change forgets the
 * cached mailbox list (mailboxes.ts) so intake on this node sees it at once, and is audited.
 */
import type { Mailbox, MailboxHealth, MailboxInput, MailboxUpdateInput } from "@tessera/contracts";
import type { Actor } from "../../auth/actor.ts";
import type { AppContext, Executor } from "../../context.ts";
import { isUniqueViolation } from "../../db/dialect.ts";
import { conflict, invalid, notFound } from "../../errors.ts";
import { recordAudit } from "../../audit/record.ts";
import { checkImapHost } from "./imap-poller.ts";
import { forgetMailboxes, mailboxById, type MailboxRow } from "./mailboxes.ts";
import { seal } from "./secret-box.ts";

export function presentMailbox(m: MailboxRow): Mailbox {
  return {
    id: m.id,
    address: m.address,
    name: m.name,
    active: !!m.active,
    imap: m.imap_host ? { host: m.imap_host, port: m.imap_port ?? (m.imap_tls ? 993 : 143), tls: !!m.imap_tls, user: m.imap_user ?? "", folder: m.imap_folder, has_password: !!m.imap_password } : null,
    processed_action: m.processed_action,
    processed_folder: m.processed_folder,
    history_mode: m.history_mode,
    team_id: m.team_id,
    category_id: m.category_id,
    ticket_type: m.ticket_type as Mailbox["ticket_type"],
    restrict_senders: !!m.restrict_senders,
    allowed_senders: JSON.parse(m.allowed_senders) as string[],
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

/** What the audit trail keeps of a mailbox: its view, and the sealed password (never the clear one). */
const audited = (m: MailboxRow) => ({ ...presentMailbox(m), imap_password: m.imap_password });

export function listMailboxes(db: Executor): Promise<MailboxRow[]> {
  return db.selectFrom("mailboxes").selectAll().orderBy("address").execute();
}

/** Checks the ids and combinations a mailbox names, so a bad one is a 400, not a database error. */
async function checkMailbox(db: Executor, next: { team_id: number | null; category_id: number | null; processed_action: string; processed_folder: string | null }) {
  if (next.team_id != null && !(await db.selectFrom("teams").select("id").where("id", "=", next.team_id).executeTakeFirst())) throw invalid("team_id", `no team has the id ${next.team_id}`);
  if (next.category_id != null && !(await db.selectFrom("categories").select("id").where("id", "=", next.category_id).executeTakeFirst()))
    throw invalid("category_id", `no category has the id ${next.category_id}`);
  if (next.processed_action === "move" && !next.processed_folder) throw invalid("processed_folder", "name the folder processed mail is moved to");
}

const imapColumns = (ctx: Pick<AppContext, "secret">, imap: MailboxInput["imap"], keepPassword: string | null) =>
  imap
    ? {
        imap_host: imap.host,
        imap_port: imap.port ?? null,
        imap_tls: imap.tls ? 1 : 0,
        imap_user: imap.user,
        imap_folder: imap.folder,
        imap_password: imap.password !== undefined ? seal(ctx.secret, imap.password) : keepPassword,
      }
    : { imap_host: null, imap_port: null, imap_tls: 0, imap_user: null, imap_password: null, imap_folder: "INBOX" };

const addressTaken = (err: unknown, address: string | undefined) => {
  if (isUniqueViolation(err)) return conflict(`Another mailbox already has the address ${address}.`);
  return err;
};

export async function createMailbox(ctx: AppContext, actor: Actor, b: MailboxInput): Promise<MailboxRow> {
  await checkMailbox(ctx.db, b);
  if (b.imap) await checkImapHost(ctx, b.imap.host);
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db
    .insertInto("mailboxes")
    .values({
      address: b.address,
      name: b.name,
      active: b.active ? 1 : 0,
      ...imapColumns(ctx, b.imap, null),
      processed_action: b.processed_action,
      processed_folder: b.processed_folder,
      history_mode: b.history_mode,
      team_id: b.team_id,
      category_id: b.category_id,
      ticket_type: b.ticket_type,
      restrict_senders: b.restrict_senders ? 1 : 0,
      allowed_senders: JSON.stringify([...new Set(b.allowed_senders)]),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => {
      throw addressTaken(err, b.address);
    });
  forgetMailboxes(ctx);
  await recordAudit(ctx, actor, { action: "mailbox.created", target: { type: "mailbox", id: row.id, label: row.address }, after: audited(row) });
  return row;
}

/** Changes a mailbox; omitted fields (and an omitted imap.password) keep their stored values. */
export async function updateMailbox(ctx: AppContext, actor: Actor, id: number, b: MailboxUpdateInput): Promise<MailboxRow> {
  const current = await mailboxById(ctx.db, id);
  if (!current) throw notFound("The mailbox");
  const next = {
    team_id: b.team_id !== undefined ? b.team_id : current.team_id,
    category_id: b.category_id !== undefined ? b.category_id : current.category_id,
    processed_action: b.processed_action ?? current.processed_action,
    processed_folder: b.processed_folder !== undefined ? b.processed_folder : current.processed_folder,
  };
  await checkMailbox(ctx.db, next);
  if (b.imap) await checkImapHost(ctx, b.imap.host);
  const row = await ctx.db
    .updateTable("mailboxes")
    .set({
      ...(b.address !== undefined ? { address: b.address } : {}),
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.active !== undefined ? { active: b.active ? 1 : 0 } : {}),
      ...(b.imap !== undefined ? imapColumns(ctx, b.imap, current.imap_password) : {}),
      ...(b.history_mode !== undefined ? { history_mode: b.history_mode } : {}),
      ...(b.ticket_type !== undefined ? { ticket_type: b.ticket_type } : {}),
      ...(b.restrict_senders !== undefined ? { restrict_senders: b.restrict_senders ? 1 : 0 } : {}),
      ...(b.allowed_senders !== undefined ? { allowed_senders: JSON.stringify([...new Set(b.allowed_senders)]) } : {}),
      ...next,
      updated_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((err) => {
      throw addressTaken(err, b.address);
    });
  forgetMailboxes(ctx);
  await recordAudit(ctx, actor, {
    action: "mailbox.updated",
    target: { type: "mailbox", id: row.id, label: row.address },
    before: { ...audited(current), updated_at: undefined },
    after: { ...audited(row), updated_at: undefined },
  });
  return row;
}

/** Removes a mailbox; its received mail and tickets stay. */
export async function deleteMailbox(ctx: AppContext, actor: Actor, id: number): Promise<void> {
  const before = await mailboxById(ctx.db, id);
  const done = await ctx.db.deleteFrom("mailboxes").where("id", "=", id).executeTakeFirst();
  if (!Number(done.numDeletedRows)) throw notFound("The mailbox");
  forgetMailboxes(ctx);
  await recordAudit(ctx, actor, { action: "mailbox.deleted", target: { type: "mailbox", id, label: before?.address ?? null }, before: before && audited(before) });
}

/** Per mailbox: how its IMAP polling stands, as of now. */
export async function mailboxHealth(ctx: AppContext): Promise<MailboxHealth[]> {
  const rows = await ctx.db
    .selectFrom("mailboxes")
    .leftJoin("mailbox_sync", "mailbox_sync.mailbox_id", "mailboxes.id")
    .select(["mailboxes.id", "mailboxes.address", "mailboxes.active", "mailboxes.imap_host"])
    .selectAll("mailbox_sync")
    .orderBy("mailboxes.address")
    .execute();
  const now = ctx.clock.now().getTime();
  const staleAfter = 3 * ctx.config.mail.imapPollMs;
  return rows.map((r): MailboxHealth => {
    const waiting = r.waiting ?? 0;
    // A successful fetch clears last_error, so an error still there is the latest word.
    const failing = r.last_error != null;
    const status: MailboxHealth["status"] = !r.active
      ? "inactive"
      : !r.imap_host
        ? "smtp_only"
        : failing
          ? "error"
          : r.last_success_at == null
            ? "pending"
            : now - Date.parse(r.last_success_at) > staleAfter
              ? "stale"
              : "ok";
    return {
      mailbox_id: r.id,
      address: r.address,
      status,
      last_success_at: r.last_success_at ?? null,
      lag_seconds: waiting > 0 && r.oldest_waiting_at ? Math.max(0, Math.round((now - Date.parse(r.oldest_waiting_at)) / 1000)) : 0,
      waiting,
      last_error: failing ? (r.last_error ?? null) : null,
      last_error_at: r.last_error_at ?? null,
    };
  });
}

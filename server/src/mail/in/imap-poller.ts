/**
 * IMAP polling with IDLE (imapflow: maintained, IDLE and UIDPLUS support, used by EmailEngine).
 * One loop per mailbox: it remembers the folder's UIDVALIDITY and the last UID taken, fetches
 * newer messages one at a time, hands each to ingestMessage, and flags or moves it only after
 * ingestMessage has committed. A crash between commit and flag re-fetches the message next time,
 * and the ingest path recognises it as a duplicate. IDLE wakes the loop as soon as the server
 * reports new mail; the poll interval is the fallback.
 */
import { ImapFlow, type MailboxObject } from "imapflow";
import type { AppContext } from "../../context.ts";
import { ingestMessage } from "./ingest.ts";
import type { MailboxRow } from "./mailboxes.ts";
import { recordFailed } from "./quarantine.ts";
import { unseal } from "./secret-box.ts";
import { couldNotConnect, refusalOf, resolveOutbound } from "../../outbound/guard.ts";
import { invalid } from "../../errors.ts";
import { withNodeLock } from "../../jobs/lock.ts";
import { defineTick, startTicks, type Scheduler } from "../../jobs/ticks.ts";

/** Refuses (400, naming imap.host) a server the outbound guard would not let Tessera connect to. */
export async function checkImapHost(ctx: AppContext, host: string) {
  const refusal = await refusalOf(ctx.config.outboundAllow, host);
  if (refusal) throw invalid("imap.host", refusal);
}

/** Where polling of one mailbox stands (also what the health view reads). */
async function loadSync(ctx: AppContext, mailboxId: number) {
  const row = await ctx.db.selectFrom("mailbox_sync").selectAll().where("mailbox_id", "=", mailboxId).executeTakeFirst();
  if (row) return row;
  const now = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto("mailbox_sync")
    .values({
      mailbox_id: mailboxId,
      uidvalidity: null,
      last_uid: 0,
      history_uid: 0,
      last_success_at: null,
      last_error: null,
      last_error_at: null,
      waiting: 0,
      oldest_waiting_at: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("mailbox_id").doNothing())
    .execute();
  return ctx.db.selectFrom("mailbox_sync").selectAll().where("mailbox_id", "=", mailboxId).executeTakeFirstOrThrow();
}

async function saveSync(
  ctx: AppContext,
  mailboxId: number,
  patch: Partial<{
    uidvalidity: string;
    last_uid: number;
    history_uid: number;
    last_success_at: string;
    last_error: string | null;
    last_error_at: string;
    waiting: number;
    oldest_waiting_at: string | null;
  }>,
) {
  await ctx.db
    .updateTable("mailbox_sync")
    .set({ ...patch, updated_at: ctx.clock.now().toISOString() })
    .where("mailbox_id", "=", mailboxId)
    .execute();
  await ctx.durable();
}

export class MailboxPoller {
  private client: ImapFlow | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private kicked = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly ctx: AppContext,
    readonly mailbox: MailboxRow,
  ) {}

  start() {
    this.loop = this.run();
    return this;
  }

  /** Fetch now rather than at the next poll. */
  kick() {
    this.kicked = true;
    this.wake?.();
  }

  async stop() {
    this.stopped = true;
    this.wake?.();
    const c = this.client;
    this.client = undefined;
    await c?.logout().catch(() => c.close());
    await this.loop;
  }

  private async run() {
    while (!this.stopped) {
      try {
        const client = await this.connect();
        const box = await client.mailboxOpen(this.mailbox.imap_folder);
        await this.exclusively(() => this.round(client, box));
      } catch (err) {
        const message = (err as Error).message?.slice(0, 500) || String(err);
        this.ctx.log.warn({ err, mailbox_id: this.mailbox.id }, "IMAP fetch failed");
        await loadSync(this.ctx, this.mailbox.id)
          .then(() => saveSync(this.ctx, this.mailbox.id, { last_error: message, last_error_at: this.ctx.clock.now().toISOString() }))
          .catch(() => {});
        const c = this.client;
        this.client = undefined;
        c?.close();
      }
      await this.sleep(this.ctx.config.mail.imapPollMs);
    }
  }

  private sleep(ms: number) {
    if (this.stopped || this.kicked) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        this.kicked = false;
        done();
      };
    });
  }

  private async connect(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    const m = this.mailbox;
    const port = m.imap_port ?? (m.imap_tls ? 993 : 143);
    // Checked on every connect (DNS may have changed since the mailbox was saved); ImapFlow then
    // connects to the address that was checked, with the name kept for TLS.
    const target = await resolveOutbound(this.ctx.config.outboundAllow, m.imap_host!);
    const client = new ImapFlow({
      host: target.address,
      servername: target.servername,
      port,
      secure: !!m.imap_tls,
      auth: { user: m.imap_user ?? m.address, pass: m.imap_password ? unseal(this.ctx.secret, m.imap_password) : "" },
      logger: false,
      connectionTimeout: this.ctx.config.outboundConnectTimeoutMs,
      greetingTimeout: this.ctx.config.outboundConnectTimeoutMs,
      // IDLE soon after each round, so the server can tell us about new mail straight away.
      autoIdleDelay: 1000,
    });
    client.on("exists", () => this.kick());
    client.on("error", (err: Error) => this.ctx.log.warn({ err, mailbox_id: m.id }, "IMAP connection error"));
    // The server closed the connection (restart, timeout): reconnect now. A connection we drop
    // after an error is no longer this.client, so it waits for the next poll instead of looping.
    client.on("close", () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.kick();
    });
    try {
      await client.connect();
    } catch (err) {
      try {
        client.close();
      } catch {
        // already closed
      }
      // A wrong password is worth saying; anything else before sign-in (refused, unreachable,
      // timed out, not an IMAP server) reads the same, so the message cannot map open ports.
      if ((err as { authenticationFailed?: boolean }).authenticationFailed) throw err;
      this.ctx.log.warn({ err, mailbox_id: m.id }, "IMAP connection failed");
      throw new Error(couldNotConnect(m.imap_host!, port));
    }
    this.client = client;
    return client;
  }

  /**
   * Runs a round on one node at a time. On PostgreSQL every node polls, and the node lock of
   * this mailbox (jobs/lock.ts) lets only one of them take a round; the others skip it (the
   * Message-ID dedupe would keep them from creating duplicates anyway, but not from fetching
   * twice). SQLite has one node.
   */
  private async exclusively(work: () => Promise<void>) {
    await withNodeLock(this.ctx, `imap-mailbox:${this.mailbox.id}`, work);
  }

  /** Takes in every message newer than the last UID taken, oldest first. */
  private async round(client: ImapFlow, box: MailboxObject) {
    const ctx = this.ctx;
    const m = this.mailbox;
    let sync = await loadSync(ctx, m.id);
    const validity = String(box.uidValidity);
    if (sync.uidvalidity !== validity) {
      const first = sync.uidvalidity === null;
      // First connection: "only new mail" starts after what is there; "import" takes it all as
      // history. A changed UIDVALIDITY means the server renumbered the folder: start over, and
      // the Message-ID dedupe keeps what was taken already from coming in twice.
      const before = Math.max(0, box.uidNext - 1);
      const start = first && m.history_mode === "new_only" ? before : 0;
      const history = first && m.history_mode === "import" ? before : 0;
      await saveSync(ctx, m.id, { uidvalidity: validity, last_uid: start, history_uid: history });
      sync = { ...sync, uidvalidity: validity, last_uid: start, history_uid: history };
    }
    const found = (await client.search({ uid: `${sync.last_uid + 1}:*` }, { uid: true })) || [];
    const pending = found.filter((uid) => uid > sync.last_uid).sort((a, b) => a - b);
    let oldest: string | null = null;
    if (pending.length) {
      const first = await client.fetchOne(String(pending[0]), { uid: true, internalDate: true }, { uid: true });
      const d = first ? first.internalDate : undefined;
      oldest = d ? new Date(d).toISOString() : null;
    }
    await saveSync(ctx, m.id, { waiting: pending.length, oldest_waiting_at: oldest });

    for (const [i, uid] of pending.entries()) {
      if (this.stopped) return;
      const meta = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
      if (!meta) continue;
      if ((meta.size ?? 0) > ctx.config.mail.maxBytes) {
        // Not downloaded: kept on the server, unflagged, and listed as failed with its headers.
        const head = await client.fetchOne(String(uid), { uid: true, headers: true }, { uid: true });
        await recordFailed(
          ctx,
          head && head.headers ? head.headers : Buffer.from(""),
          { kind: "imap", mailboxId: m.id },
          {
            reason: "too_large",
            error: `The message (UID ${uid}, ${meta.size} bytes) is over the ${ctx.config.mail.maxBytes}-byte limit; it was left in ${m.imap_folder} on the server. Only its headers are kept here.`,
          },
        );
      } else {
        const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (!msg || !msg.source) continue;
        // Resolves only once the ticket or comment (or the failed-mail row) is committed.
        await ingestMessage(ctx, msg.source, { kind: "imap", mailboxId: m.id, importHistory: uid <= sync.history_uid });
        if (m.processed_action === "move" && m.processed_folder) await client.messageMove(String(uid), m.processed_folder, { uid: true });
        else await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      }
      await saveSync(ctx, m.id, { last_uid: uid, waiting: pending.length - i - 1 });
      sync = { ...sync, last_uid: uid };
    }
    await saveSync(ctx, m.id, { last_success_at: ctx.clock.now().toISOString(), last_error: null, waiting: 0, oldest_waiting_at: null });
  }
}

/**
 * Runs a poller for every active mailbox with IMAP settings, and keeps the set in step with the
 * mailboxes table (added, changed, removed) on a periodic tick. Each poller keeps its IMAP
 * connection open between rounds (IDLE tells it of new mail at once), so it runs its own loop;
 * the tick only starts and stops them, on every node (each node holds its own connections).
 */
export class ImapPolling {
  private pollers = new Map<number, { poller: MailboxPoller; version: string }>();
  private scheduler: Scheduler | undefined;
  private stopped = false;

  constructor(private readonly ctx: AppContext) {}

  private refreshing: Promise<void> = Promise.resolve();

  /** Brings the running pollers in step with the mailboxes table; calls run one after another. */
  refresh(): Promise<void> {
    const next = this.refreshing.then(() => this.reconcile());
    this.refreshing = next.catch(() => {});
    return next;
  }

  private async reconcile() {
    if (this.stopped) return;
    const rows = await this.ctx.db.selectFrom("mailboxes").selectAll().where("active", "=", 1).where("imap_host", "is not", null).execute();
    const wanted = new Map(rows.map((r) => [r.id, r]));
    for (const [id, p] of this.pollers) {
      const row = wanted.get(id);
      if (!row || row.updated_at !== p.version) {
        this.pollers.delete(id);
        await p.poller.stop();
      }
    }
    for (const row of rows) {
      if (!this.pollers.has(row.id)) this.pollers.set(row.id, { poller: new MailboxPoller(this.ctx, row).start(), version: row.updated_at });
    }
  }

  /** The tick that keeps the pollers in step; stopping its scheduler stops them. */
  readonly tick = defineTick({
    name: "imap-mailboxes",
    everyMs: (ctx) => Math.min(ctx.config.mail.imapPollMs, 30_000),
    scope: "node",
    run: () => this.refresh(),
    onStop: () => this.stopPollers(),
  });

  /** Runs the tick on a scheduler of its own (tests; a server runs it with the other ticks). */
  start() {
    this.scheduler = startTicks(this.ctx, [this.tick]);
    return this;
  }

  kick(mailboxId: number) {
    this.pollers.get(mailboxId)?.poller.kick();
  }

  stop = async () => {
    await this.scheduler?.stop();
    await this.stopPollers();
  };

  private stopPollers = async () => {
    this.stopped = true;
    const all = [...this.pollers.values()];
    this.pollers.clear();
    await Promise.allSettled(all.map((p) => p.poller.stop()));
  };
}

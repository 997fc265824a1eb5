/**
 * The `tessera` command: start [--role] | migrate | backup | restore | check | user add | token create | seed --demo | mail ingest.
 * Settings come from environment variables (see config.ts and the README).
 */
import { Command, Option } from "commander";
import { ROLES, type Role, TOKEN_SCOPES, type TokenScope } from "@tessera/contracts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { openInstance, createLogger } from "./boot.ts";
import { createApiToken } from "./auth/service.ts";
import { scopesForNewToken } from "./auth/scopes.ts";
import { insertUser } from "./people/create.ts";
import { COMMAND_LINE, recordAudit } from "./audit/record.ts";
import { AppError } from "./errors.ts";
import { runSeedCommand, type SeedCommandOptions } from "./seed/scale/command.ts";
import { NODE_ROLES, type NodeRole, startNode, where } from "./start.ts";
import { registerBackupCommands } from "./ops/backup-command.ts";
import { closeParser, ingestMessage } from "./mail/in/ingest.ts";

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs a one-off command against the database, printing errors as a person would want them. */
async function withInstance(fn: (ctx: Awaited<ReturnType<typeof openInstance>>["ctx"]) => Promise<void>) {
  const cfg = config();
  const instance = await openInstance(cfg, { log: createLogger(cfg.logLevel === "info" ? "warn" : cfg.logLevel) });
  try {
    await fn(instance.ctx);
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`Error: ${err.message}`);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await instance.close();
  }
}

const program = new Command("tessera").description("Tessera, the service desk").showHelpAfterError();

program
  .command("start")
  .description("Start Tessera (runs pending migrations first)")
  .addOption(new Option("--role <role>", "all: web and background work in one process; web: the app and API only; worker: background work only (PostgreSQL)").choices([...NODE_ROLES]).default("all"))
  .action((o: { role: NodeRole }) => startNode(config(), o.role));

program
  .command("migrate")
  .description("Apply pending database migrations and exit")
  .action(() =>
    withInstance(async () => {
      console.log(`Database is up to date (${where(config())}).`);
    }),
  );

const user = program.command("user").description("Manage user accounts");
user
  .command("add")
  .description("Add a user")
  .requiredOption("--email <email>", "their email address (their sign-in name)")
  .requiredOption("--name <name>", "their full name")
  .addOption(new Option("--role <role>", "what they may do").choices([...ROLES]).default("requester"))
  .option("--password <password>", "their password (8 to 128 characters); omit for a requester who only writes by email")
  .action((o: { email: string; name: string; role: Role; password?: string }) =>
    withInstance(async (ctx) => {
      const u = await insertUser(ctx, { email: o.email, name: o.name, role: o.role, password: o.password });
      await recordAudit(ctx, COMMAND_LINE, { action: "user.created", target: { type: "user", id: u.id, label: u.email }, after: { name: u.name, role: u.role, organization_id: u.organization_id } });
      console.log(`Added ${u.role} ${u.name} <${u.email}> (id ${u.id}).`);
    }),
  );

const token = program.command("token").description("Manage API tokens");
token
  .command("create")
  .description("Create an API token for a user; it is printed once")
  .requiredOption("--user <email>", "whose token it is")
  .option("--name <name>", "what it is for", "cli")
  .addOption(new Option("--scope <scopes...>", "what it may do (default: all, everything the user can)").choices(TOKEN_SCOPES))
  .action((o: { user: string; name: string; scope?: TokenScope[] }) =>
    withInstance(async (ctx) => {
      const u = await ctx.db.selectFrom("users").select(["id", "active", "role"]).where("email", "=", o.user.toLowerCase()).executeTakeFirst();
      if (!u || !u.active) throw new AppError("not_found", 404, `No active user has the email ${o.user}.`);
      const t = await createApiToken(ctx, u.id, o.name, scopesForNewToken(o.scope, u));
      await recordAudit(ctx, COMMAND_LINE, {
        action: "token.created",
        target: { type: "token", id: t.id, label: t.name },
        detail: { user_id: u.id, user_email: o.user.toLowerCase(), scopes: t.scopes },
      });
      console.log(t.token);
      console.error(`Token ${t.id} for ${o.user}. Use it as: Authorization: Bearer <token>. It is not shown again.`);
    }),
  );

const mail = program.command("mail").description("Inbound mail");
mail
  .command("ingest")
  .description("Take in one raw message from standard input (for an MTA pipe). Exit codes: 0 stored, 65 refused, 75 try again later")
  .option("--mailbox <address>", "the address it was sent to, when the message's own To/Cc do not show it")
  .action((o: { mailbox?: string }) => mailIngest(o.mailbox));

registerBackupCommands(program, config);

program
  .command("seed")
  .description("Fill the database with sample data: a small demo desk (--demo), or a desk with years of history (--tickets N)")
  .option("--demo", "a believable demo desk: teams, agents, requesters, categories and a few hundred tickets")
  .option("--tickets <n>", "how many tickets (with --demo: 300 unless given)")
  .option("--comments-per-ticket <k>", "comments on each ticket worked on", "5")
  .option("--append", "seed even though the database already has tickets")
  .option("--seed <n>", "the generator's seed: the same seed and size make the same desk", "42")
  .action((o: SeedCommandOptions) => withInstance((ctx) => runSeedCommand(ctx, o)));

/**
 * `tessera mail ingest`: the exit code is what the MTA acts on. 0: stored (or kept as failed
 * mail for an admin); 65 (EX_DATAERR): refused, the MTA bounces it to the sender; 75
 * (EX_TEMPFAIL): the database is unavailable, the MTA keeps the message and retries.
 */
async function mailIngest(mailbox: string | undefined) {
  const cfg = config();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= cfg.mail.maxBytes + 1) chunks.push(chunk);
  }
  let instance: Awaited<ReturnType<typeof openInstance>> | undefined;
  try {
    instance = await openInstance(cfg, { log: createLogger(cfg.logLevel === "info" ? "warn" : cfg.logLevel) });
    const raw = Buffer.concat(chunks);
    const result = await ingestMessage(instance.ctx, raw, { kind: "pipe", recipients: mailbox ? [mailbox.toLowerCase()] : [] }, { refuse: true });
    if (result.outcome === "refused") {
      console.error(`Refused: ${result.message}`);
      process.exitCode = 65;
    } else if (result.outcome === "failed") {
      console.error(`Kept as failed mail #${result.failedId} for an admin to review: ${result.message}`);
    }
  } catch (err) {
    console.error(`Temporary failure, the message was not stored: ${(err as Error).message}`);
    process.exitCode = 75;
  } finally {
    if (instance) {
      await closeParser(instance.ctx);
      await instance.close().catch(() => {});
    }
  }
}

await program.parseAsync(process.argv);

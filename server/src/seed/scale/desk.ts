/**
 * The people and settings a seeded desk's tickets refer to: organizations, teams, agents,
 * requesters, the category tree, an SLA policy, team views and the few tiny files attachment
 * rows point at. Sized from the number of tickets; written through Kysely (a few thousand rows
 * at most), the tickets themselves go through the bulk writers.
 */
import { OPEN_CATEGORIES, type Priority, type Role, type TicketType } from "@tessera/contracts";
import { hashPassword } from "../../auth/passwords.ts";
import { randomToken } from "../../auth/secrets.ts";
import { detectContentType } from "../../attachments/sniff.ts";
import { storeStream } from "../../attachments/storage.ts";
import type { AppContext } from "../../context.ts";
import { createPolicy } from "../../sla/admin.ts";
import type { BusinessCalendar } from "../../sla/calendar.ts";
import { loadCalendar, listPolicies, type PolicyRecord } from "../../sla/definitions.ts";
import { autoCloseDays } from "../../sla/settings.ts";
import { loadMatrix } from "../../tickets/priority.ts";
import { loadStatuses } from "../../tickets/statuses.ts";
import { FIRST, LAST } from "../names.ts";
import { ATTACHMENT_FILES, CATEGORIES, ORGANIZATIONS, TEAMS } from "./words.ts";

export interface Person {
  id: number;
  name: string;
  email: string;
  role: Role;
  organization_id: number | null;
}

export interface Leaf {
  id: number;
  teamId: number;
  type: TicketType;
  subjects: string[];
}

export interface Blob {
  sha256: string;
  size: number;
  filename: string;
  content_type: string;
}

export interface Desk {
  now: number;
  password: string;
  vipOrganizationId: number;
  teamIds: number[];
  agentsByTeam: Map<number, Person[]>;
  agents: Person[];
  admin: Person;
  requesters: Person[];
  leaves: Leaf[];
  matrix: Awaited<ReturnType<typeof loadMatrix>>;
  policy: PolicyRecord;
  calendar: BusinessCalendar;
  autoCloseMs: number;
  blobs: Blob[];
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(n)));
const asciiLower = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFD")
    .replace(/[^a-z]/g, "");

/** Statuses the generator moves tickets through; a desk that renamed or disabled one cannot be seeded. */
export const SEEDED_STATUSES = ["new", "open", "in_progress", "on_hold", "pending", "under_review", "resolved", "closed", "cancelled"] as const;

const POLICY_NAME = "Service desk targets";
const TARGETS: Record<Priority, { first_response: number; resolution: number }> = {
  P1: { first_response: 30, resolution: 240 },
  P2: { first_response: 60, resolution: 480 },
  P3: { first_response: 240, resolution: 2880 },
  P4: { first_response: 480, resolution: 7200 },
};

async function findOrInsert<T extends { id: number }>(find: () => Promise<T | undefined>, insert: () => Promise<T>): Promise<T> {
  return (await find()) ?? (await insert());
}

async function insertPeople(ctx: AppContext, people: Array<Omit<Person, "id">>, passwordHash: string): Promise<Person[]> {
  const at = new Date(ctx.clock.now().getTime()).toISOString();
  const out: Person[] = [];
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    const rows = await ctx.db
      .insertInto("users")
      .values(chunk.map((p) => ({ ...p, password_hash: passwordHash, active: 1, created_at: at, updated_at: at, last_login_at: null })))
      .returning(["id", "email"])
      .execute();
    const idOf = new Map(rows.map((r) => [r.email, r.id]));
    for (const p of chunk) out.push({ ...p, id: idOf.get(p.email)! });
  }
  return out;
}

async function seedPolicy(ctx: AppContext): Promise<PolicyRecord> {
  const existing = (await listPolicies(ctx.db)).find((p) => p.name === POLICY_NAME);
  if (existing) return existing;
  const always = await ctx.db.selectFrom("sla_calendars").select("id").where("is_default", "=", 1).executeTakeFirstOrThrow();
  return createPolicy(ctx, {
    name: POLICY_NAME,
    description: "Around the clock: a first answer and a fix within each priority's time.",
    conditions: { types: [], priorities: [], category_ids: [], organization_ids: [], channels: [] },
    calendar_id: always.id,
    targets: TARGETS,
  });
}

async function storeBlobs(ctx: AppContext): Promise<Blob[]> {
  const out: Blob[] = [];
  for (const f of ATTACHMENT_FILES) {
    const stored = await storeStream(
      ctx.config.attachmentsDir,
      (async function* () {
        yield f.bytes;
      })(),
      { maxBytes: 1 << 20, isTruncated: () => false },
    );
    out.push({ sha256: stored.sha256, size: stored.size, filename: f.filename, content_type: detectContentType(stored.head, f.filename) });
  }
  return out;
}

export async function prepareDesk(ctx: AppContext, tickets: number): Promise<Desk> {
  const now = ctx.clock.now().getTime();
  const at = new Date(now).toISOString();
  const statuses = await loadStatuses(ctx);
  const missing = SEEDED_STATUSES.filter((k) => !statuses.some((s) => s.key === k && s.active));
  if (missing.length) throw new Error(`The seeded desk moves tickets through the built-in statuses, and these are missing or inactive: ${missing.join(", ")}.`);
  const password = `demo-${randomToken(9)}`;
  const passwordHash = await hashPassword(password);
  const run =
    Math.floor(now / 1000).toString(36) +
    randomToken(2)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "");

  const orgs = [];
  for (const [name, slug] of ORGANIZATIONS.slice(0, clamp(3 + tickets / 100_000, 3, ORGANIZATIONS.length))) {
    const domain = `${slug}.example`;
    orgs.push(
      await findOrInsert(
        () => ctx.db.selectFrom("organizations").selectAll().where("domain", "=", domain).executeTakeFirst(),
        () => ctx.db.insertInto("organizations").values({ name, domain, shares_tickets: 0, created_at: at }).returningAll().executeTakeFirstOrThrow(),
      ),
    );
  }
  const teams = [];
  for (const t of TEAMS) {
    teams.push(
      await findOrInsert(
        () => ctx.db.selectFrom("teams").selectAll().where("name", "=", t.name).executeTakeFirst(),
        () =>
          ctx.db
            .insertInto("teams")
            .values({ ...t, created_at: at })
            .returningAll()
            .executeTakeFirstOrThrow(),
      ),
    );
  }

  // Staff: one supervisor per team, agents spread over the teams, one admin.
  const agentCount = clamp(tickets / 5000, teams.length * 2, 240);
  const staff: Array<Omit<Person, "id"> & { team: number }> = [];
  for (let i = 0; i < agentCount; i++) {
    const name = `${FIRST[(i * 7 + 3) % FIRST.length]} ${LAST[(i * 11 + 5) % LAST.length]}`;
    const role: Role = i < teams.length ? "supervisor" : "agent";
    staff.push({ name, email: `${asciiLower(name.split(" ")[0])}.${asciiLower(name.split(" ")[1])}.${i}.${run}@desk.example`, role, organization_id: null, team: teams[i % teams.length].id });
  }
  const staffRows = await insertPeople(
    ctx,
    staff.map(({ team: _team, ...p }) => p),
    passwordHash,
  );
  const agentsByTeam = new Map<number, Person[]>(teams.map((t) => [t.id, []]));
  await ctx.db
    .insertInto("team_members")
    .values(staffRows.map((p, i) => ({ team_id: staff[i].team, user_id: p.id })))
    .execute();
  staffRows.forEach((p, i) => agentsByTeam.get(staff[i].team)!.push(p));
  const [admin] = await insertPeople(ctx, [{ name: "Seed Admin", email: `admin.${run}@desk.example`, role: "admin", organization_id: null }], passwordHash);

  // Requesters: most in an organization (the email's domain), some on their own.
  const requesterCount = clamp(tickets / 20, 60, 50_000);
  const people: Array<Omit<Person, "id">> = [];
  for (let i = 0; i < requesterCount; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    const org = i % 7 === 6 ? undefined : orgs[i % orgs.length];
    const local = `${asciiLower(name.split(" ")[0])}.${asciiLower(name.split(" ")[1])}.${i}.${run}`;
    people.push({ name, email: `${local}@${org?.domain ?? "mail.example"}`, role: "requester", organization_id: org?.id ?? null });
  }
  const requesters = await insertPeople(ctx, people, passwordHash);

  const leaves: Leaf[] = [];
  const teamByName = new Map(teams.map((t) => [t.name, t.id]));
  for (const c of CATEGORIES) {
    const teamId = teamByName.get(c.team)!;
    const category = (parent_id: number | null, name: string) =>
      findOrInsert(
        () =>
          ctx.db
            .selectFrom("categories")
            .select("id")
            .where("name", "=", name)
            .where((eb) => (parent_id === null ? eb("parent_id", "is", null) : eb("parent_id", "=", parent_id)))
            .executeTakeFirst(),
        () => ctx.db.insertInto("categories").values({ name, parent_id, default_team_id: teamId, default_type: c.type, active: 1, created_at: at }).returning("id").executeTakeFirstOrThrow(),
      );
    const root = await category(null, c.name);
    for (const child of c.children) leaves.push({ id: (await category(root.id, child.name)).id, teamId, type: c.type, subjects: child.subjects });
  }

  await shareTeamViews(ctx, teams, agentsByTeam, at);
  const policy = await seedPolicy(ctx);
  const calendar = (await loadCalendar(ctx, policy.calendar_id))!.calendar;
  return {
    now,
    password,
    vipOrganizationId: orgs[1].id,
    teamIds: teams.map((t) => t.id),
    agentsByTeam,
    agents: staffRows,
    admin,
    requesters,
    leaves,
    matrix: await loadMatrix(ctx),
    policy,
    calendar,
    autoCloseMs: (await autoCloseDays(ctx)) * 86_400_000,
    blobs: await storeBlobs(ctx),
  };
}

/** Each team's shared views, owned by its supervisor: what a team lead sets up on day one. */
async function shareTeamViews(ctx: AppContext, teams: Array<{ id: number; name: string }>, agentsByTeam: Map<number, Person[]>, at: string) {
  for (const t of teams) {
    const owner = agentsByTeam.get(t.id)![0];
    const views = [
      { name: `${t.name}: open`, filters: { team: [t.id], status_category: [...OPEN_CATEGORIES] }, columns: [] },
      { name: `${t.name}: breaching soon`, filters: { team: [t.id], sla: ["breaching_soon"], sort: "sla" }, columns: [] },
    ];
    for (const [position, v] of views.entries()) {
      const exists = await ctx.db.selectFrom("saved_views").select("id").where("team_id", "=", t.id).where("name", "=", v.name).executeTakeFirst();
      if (exists) continue;
      await ctx.db
        .insertInto("saved_views")
        .values({ owner_id: owner.id, team_id: t.id, name: v.name, filters: JSON.stringify(v.filters), columns: JSON.stringify(v.columns), position, created_at: at, updated_at: at })
        .execute();
    }
  }
}

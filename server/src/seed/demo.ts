/**
 * `tessera seed --demo`: a believable desk to explore — teams, agents, requesters in three
 * organizations, a category tree, and a few hundred tickets with conversations spread over the
 * past weeks. It goes through the same service functions as the API, so every ticket has its
 * audit trail. Demo accounts share one random password, printed once.
 */
import type { Level, TicketType } from "@tessera/contracts";
import type { Actor } from "../auth/actor.ts";
import { hashPassword } from "../auth/passwords.ts";
import { randomToken } from "../auth/secrets.ts";
import type { AppContext } from "../context.ts";
import { insertUser } from "../people/create.ts";
import { addComment } from "../tickets/comments.ts";
import { createTicket } from "../tickets/create.ts";
import { updateTicket } from "../tickets/update.ts";
import { seedSlaPolicies } from "../sla/demo.ts";
import { sweepOnce } from "../sla/sweeper.ts";
import { autoCloseDays } from "../sla/settings.ts";
import { closeAsAutoClosed } from "./history.ts";
import { FIRST, LAST } from "./names.ts";

// A small deterministic generator, so two seeds of the same size look alike.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const TEAMS = [
  { name: "Service Desk", description: "First line: everything starts here" },
  { name: "Network", description: "LAN, Wi-Fi, VPN and firewalls" },
  { name: "Workplace", description: "Laptops, phones, printers and accounts" },
  { name: "Applications", description: "Business applications and licences" },
  { name: "Facilities", description: "Buildings, desks, access badges" },
];

const CATEGORIES: Array<{ name: string; team: string; type: TicketType; children?: string[] }> = [
  { name: "Network", team: "Network", type: "incident", children: ["VPN", "Wi-Fi", "Internet access"] },
  { name: "Hardware", team: "Workplace", type: "incident", children: ["Laptop", "Monitor", "Printer", "Phone"] },
  { name: "Accounts & access", team: "Service Desk", type: "service_request", children: ["Password reset", "New starter", "Permissions"] },
  { name: "Software", team: "Applications", type: "service_request", children: ["Install request", "Licence", "Bug report"] },
  { name: "Facilities", team: "Facilities", type: "service_request", children: ["Access badge", "Desk move", "Heating & cooling"] },
];

const SUBJECTS: Record<string, string[]> = {
  VPN: ["VPN disconnects every hour", "Cannot connect to VPN from hotel", "VPN very slow since this morning"],
  "Wi-Fi": ["Wi-Fi drops in meeting room 3B", "Guest Wi-Fi password not working", "No Wi-Fi on the 4th floor"],
  "Internet access": ["Websites load very slowly", "Cannot reach the supplier portal"],
  Laptop: ["Laptop will not boot after update", "Battery drains in an hour", "Keyboard keys sticking", "Laptop fan very loud"],
  Monitor: ["Second monitor not detected", "Flickering screen on docking station"],
  Printer: ["Printer on 2nd floor jams constantly", "Cannot print from Mac", "Scanner sends empty PDFs"],
  Phone: ["Desk phone has no dial tone", "Need a new mobile phone"],
  "Password reset": ["Locked out of my account", "Password expired while travelling", "Reset MFA device"],
  "New starter": ["New starter on Monday: account and laptop", "Set up accounts for two interns"],
  Permissions: ["Need access to the Finance share", "Add me to the Sales distribution list", "Request admin rights for build tools"],
  "Install request": ["Please install Visio", "Need Python on my laptop", "Install the new VPN client"],
  Licence: ["Adobe licence expired", "Need a Figma seat for the new designer"],
  "Bug report": ["CRM crashes when exporting to Excel", "Expense app shows wrong currency", "Timesheets not saving"],
  "Access badge": ["Badge stopped working at the main door", "Visitor badge for Thursday"],
  "Desk move": ["Move team to the 3rd floor", "Need a standing desk"],
  "Heating & cooling": ["Meeting room far too warm", "Air conditioning dripping near window"],
};

const REPLIES = [
  "Thanks for letting us know. Could you tell me when this started?",
  "I've had a look and can reproduce it. Working on a fix now.",
  "Could you try restarting and let me know if it persists?",
  "We've pushed a change; please check again.",
  "I've ordered the replacement; it should arrive in two days.",
];
const REQUESTER_REPLIES = ["It started yesterday afternoon.", "Restarted, still the same.", "That worked, thank you!", "Any news on this?", "Attached a screenshot of the error."];
const NOTES = [
  "Looks like the same issue as last week; check the switch logs.",
  "Waiting on the vendor, ticket opened with them.",
  "@ Escalating internally, needs a second pair of eyes.",
  "Known bug in the current release.",
];

export async function seedDemo(ctx: AppContext, opts: { tickets: number }): Promise<string> {
  const random = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const now = ctx.clock.now().getTime();
  const password = `demo-${randomToken(9)}`;
  const passwordHash = await hashPassword(password);
  const suffix = Math.floor(now / 1000).toString(36);

  const orgs = [];
  for (const [name, domain, shares] of [
    ["Acme Manufacturing", "acme.example", 1],
    ["Globex Finance", "globex.example", 0],
    ["Initech Labs", "initech.example", 1],
  ] as const) {
    orgs.push(
      await ctx.db
        .insertInto("organizations")
        .values({ name, domain, shares_tickets: shares, created_at: new Date(now).toISOString() })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  const teams = [];
  for (const t of TEAMS) {
    const existing = await ctx.db.selectFrom("teams").selectAll().where("name", "=", t.name).executeTakeFirst();
    teams.push(
      existing ??
        (await ctx.db
          .insertInto("teams")
          .values({ ...t, created_at: new Date(now).toISOString() })
          .returningAll()
          .executeTakeFirstOrThrow()),
    );
  }
  const teamByName = new Map(teams.map((t) => [t.name, t]));

  const agents: Actor[] = [];
  const staffNames = ["Sam Rivera", "Alex Chen", "Maria Santos", "Tom Becker", "Aisha Khan", "Lukas Novak", "Julia Weber", "Omar Farouk", "Nina Petrova", "Kofi Mensah"];
  for (const [i, name] of staffNames.entries()) {
    const role = i < 2 ? "supervisor" : "agent";
    const email = `${name.split(" ")[0].toLowerCase()}.${suffix}@desk.example`;
    const u = await insertUser(ctx, { email, name, role, passwordHash });
    const myTeams = [teams[i % teams.length], teams[0]].filter((t, j, all) => all.indexOf(t) === j);
    for (const t of myTeams)
      await ctx.db
        .insertInto("team_members")
        .values({ team_id: t.id, user_id: u.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
    agents.push({ id: u.id, role, email, name, organization_id: null, team_ids: myTeams.map((t) => t.id), auth: "session" });
  }
  const adminEmail = `admin.${suffix}@desk.example`;
  const admin = await insertUser(ctx, { email: adminEmail, name: "Demo Admin", role: "admin", passwordHash });
  const adminActor: Actor = { id: admin.id, role: "admin", email: adminEmail, name: admin.name, organization_id: null, team_ids: [], auth: "session" };

  const requesters: Actor[] = [];
  for (let i = 0; i < 40; i++) {
    const org = orgs[i % orgs.length];
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    const email = `${name
      .split(" ")[0]
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z]/g, "")}.${i}.${suffix}@${org.domain}`;
    const u = await insertUser(ctx, { email, name, role: "requester", organization_id: org.id, passwordHash });
    requesters.push({ id: u.id, role: "requester", email, name, organization_id: org.id, team_ids: [], auth: "session" });
  }

  const leaves: Array<{ id: number; name: string; team: string; type: TicketType }> = [];
  for (const c of CATEGORIES) {
    const parent = await ctx.db
      .insertInto("categories")
      .values({ name: c.name, parent_id: null, default_team_id: teamByName.get(c.team)!.id, default_type: c.type, active: 1, created_at: new Date(now).toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const child of c.children ?? []) {
      const row = await ctx.db
        .insertInto("categories")
        .values({ name: child, parent_id: parent.id, default_team_id: teamByName.get(c.team)!.id, default_type: c.type, active: 1, created_at: new Date(now).toISOString() })
        .returningAll()
        .executeTakeFirstOrThrow();
      leaves.push({ id: row.id, name: child, team: c.team, type: c.type });
    }
  }

  // Before the tickets, so that each is timed from its creation.
  await seedSlaPolicies(ctx, { vipOrganizationId: orgs[1].id });

  const levels: Level[] = ["high", "medium", "low"];
  const autoCloseMs = (await autoCloseDays(ctx)) * 86_400_000;
  const tagsPool = ["vip", "remote", "hardware-swap", "known-issue", "onboarding", "vendor"];
  let comments = 0;
  for (let n = 0; n < opts.tickets; n++) {
    // Spread creation over the last 30 days, older tickets more likely finished.
    const age = random() * 30 * 86_400_000;
    let t0 = now - age;
    const at = () => ({ ...ctx, clock: { now: () => new Date(t0) } });
    const step = () => (t0 = Math.min(now, t0 + random() * 6 * 3_600_000));
    const requester = pick(requesters);
    const category = pick(leaves);
    const team = teamByName.get(category.team)!;
    const teamAgents = agents.filter((a) => a.team_ids.includes(team.id));
    const agent = pick(teamAgents.length ? teamAgents : agents);
    const channelActor = random() < 0.2 ? agent : requester;

    await ctx.db.transaction().execute(async (trx) => {
      const tx = () => ({ ...at(), db: trx });
      let ticket = await createTicket(tx(), channelActor, {
        subject: pick(SUBJECTS[category.name] ?? ["Something is not working"]),
        description: `Hello,\n\n${pick(["This has been happening since this morning.", "Several colleagues have the same problem.", "It's blocking my work today.", "Not urgent, but would be great to fix this week."])}\n\nThanks,\n${requester.name.split(" ")[0]}`,
        format: "text",
        category_id: category.id,
        impact: pick(levels),
        urgency: pick(levels),
        ...(channelActor === agent ? { requester_id: requester.id, channel: pick(["phone", "chat", "email"] as const) } : {}),
        ...(channelActor === agent && random() < 0.4 ? { tags: [pick(tagsPool)] } : {}),
      });
      const stage = age > 10 * 86_400_000 ? random() * 1.3 : random();
      if (stage < 0.15) return; // still new and unassigned
      step();
      ticket = await updateTicket(tx(), agent, ticket.id, { assignee_id: agent.id, status: "in_progress" }, ticket.version);
      step();
      await addComment(tx(), agent, ticket, { body: pick(REPLIES), format: "text", internal: false });
      comments++;
      if (random() < 0.35) {
        step();
        await addComment(tx(), agent, ticket, { body: pick(NOTES).replace("@ ", `@${pick(agents).email} `), format: "text", internal: true });
        comments++;
      }
      if (random() < 0.6) {
        step();
        await addComment(tx(), requester, ticket, { body: pick(REQUESTER_REPLIES), format: "text", internal: false });
        comments++;
      }
      ticket = await trx.selectFrom("tickets").selectAll().where("id", "=", ticket.id).executeTakeFirstOrThrow();
      if (stage < 0.45) {
        if (random() < 0.4) await updateTicket(tx(), agent, ticket.id, { status: pick(["on_hold", "pending"]) }, ticket.version);
        return;
      }
      step();
      ticket = await updateTicket(
        tx(),
        agent,
        ticket.id,
        { status: "resolved", resolution_note: "Fixed; confirmed working with the requester.", root_cause: "Configuration drift after the last update." },
        ticket.version,
      );
      if (stage > 0.75) {
        step();
        await updateTicket(tx(), adminActor, ticket.id, { status: "closed" }, ticket.version);
      } else if (autoCloseMs && Date.parse(ticket.resolved_at!) + autoCloseMs <= now) {
        // Unanswered past the auto-close days: it closed back then, not at the first sweep.
        await closeAsAutoClosed(tx(), ticket, new Date(Date.parse(ticket.resolved_at!) + autoCloseMs).toISOString());
      }
    });
  }

  // The SLA outcomes of this made-up past (weeks-old warnings, breaches, escalations) are history:
  // recorded now at the instants they happened, and nobody is notified of them.
  for (let i = 0; i < 10; i++) {
    const swept = await sweepOnce(ctx, { historyBefore: ctx.clock.now() });
    if (!swept.tickets || swept.failed) break;
  }

  return [
    `Seeded ${opts.tickets} tickets with ${comments} comments, ${teams.length} teams, ${agents.length} agents, ${requesters.length} requesters in ${orgs.length} organizations.`,
    `Sign in as ${adminEmail} (admin), ${agents[0].email} (supervisor), ${agents[2].email} (agent) or ${requesters[0].email} (requester).`,
    `Every demo account has the password: ${password}`,
  ].join("\n");
}

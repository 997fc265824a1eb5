import { Id, Organization, OrganizationInput, Team, TeamInput, TeamMemberInput, User, UserCreateInput, UserUpdateInput, Page } from "@tessera/contracts";
import { sql, type SqlBool } from "kysely";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { isStaff } from "../auth/actor.ts";
import { isUniqueViolation } from "../db/dialect.ts";
import { conflict, notFound } from "../errors.ts";
import { addTeamMember, createUser, removeTeamMember, updateUser } from "./service.ts";
import { presentOrganization, presentTeams, presentUsers } from "./present.ts";
import { recordAudit } from "../audit/record.ts";

const IdParams = z.object({ id: Id });

async function userView(ctx: AppContext, id: number) {
  const row = await ctx.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The user");
  return (await presentUsers(ctx.db, [row]))[0];
}

export function peopleRoutes(app: App, ctx: AppContext) {
  // ---- users ----
  app.get("/api/users", {
    config: { access: "staff" },
    schema: {
      tags: ["people"],
      summary: "Find people by name or email",
      querystring: z.object({
        q: z.string().max(200).optional(),
        role: z.enum(["requester", "agent", "supervisor", "admin", "staff"]).optional(),
        organization: Id.optional(),
        active: z.enum(["true", "false"]).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().regex(/^\d+$/).optional(),
      }),
      response: { 200: Page(User) },
    },
    handler: async (req) => {
      const { q, role, organization, active, limit, cursor } = req.query;
      const rows = await ctx.db
        .selectFrom("users")
        .selectAll()
        .$if(!!q, (qb) => {
          const like = `%${q!.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
          // SQLite has no default LIKE escape character: without ESCAPE, "first_last" finds nobody.
          return qb.where((eb) => eb.or([sql<SqlBool>`lower(name) like ${like} escape '\\'`, sql<SqlBool>`email like ${like} escape '\\'`]));
        })
        .$if(role === "staff", (qb) => qb.where("role", "!=", "requester"))
        .$if(!!role && role !== "staff", (qb) => qb.where("role", "=", role as "agent"))
        .$if(organization !== undefined, (qb) => qb.where("organization_id", "=", organization!))
        .$if(active !== undefined, (qb) => qb.where("active", "=", active === "true" ? 1 : 0))
        .$if(cursor !== undefined, (qb) => qb.where("id", ">", Number(cursor)))
        .orderBy("id")
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      return { items: await presentUsers(ctx.db, page), next_cursor: rows.length > limit ? String(page[page.length - 1].id) : null };
    },
  });

  app.get("/api/users/:id", {
    schema: { tags: ["people"], summary: "One person (staff, or yourself)", params: IdParams, response: { 200: User } },
    handler: async (req) => {
      if (!isStaff(req.actor) && req.actor.id !== req.params.id) throw notFound("The user");
      return userView(ctx, req.params.id);
    },
  });

  app.post("/api/users", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "Add a person (agents may add requesters)", body: UserCreateInput, response: { 201: User } },
    handler: async (req, reply) => {
      const user = await createUser(ctx, req.actor, req.body);
      return reply.status(201).send(await userView(ctx, user.id));
    },
  });

  app.patch("/api/users/:id", {
    schema: { tags: ["people"], summary: "Change a person; disabling ends their sessions and tokens", params: IdParams, body: UserUpdateInput, response: { 200: User } },
    handler: async (req) => {
      await updateUser(ctx, req.actor, req.params.id, req.body);
      return userView(ctx, req.params.id);
    },
  });

  // ---- organizations ----
  app.get("/api/organizations", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "All organizations", response: { 200: z.array(Organization) } },
    handler: async () => (await ctx.db.selectFrom("organizations").selectAll().orderBy("name").execute()).map(presentOrganization),
  });

  app.post("/api/organizations", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Add an organization", body: OrganizationInput, response: { 201: Organization } },
    handler: async (req, reply) => {
      const row = await ctx.db
        .insertInto("organizations")
        .values({ name: req.body.name, domain: req.body.domain ?? null, shares_tickets: req.body.shares_tickets ? 1 : 0, created_at: ctx.clock.now().toISOString() })
        .returningAll()
        .executeTakeFirstOrThrow();
      ctx.log.info({ event: "organization_created", actor: req.actor.id, id: row.id }, "organization created");
      await recordAudit(ctx, req.actor, { action: "organization.created", target: { type: "organization", id: row.id, label: row.name }, after: presentOrganization(row) });
      return reply.status(201).send(presentOrganization(row));
    },
  });

  app.patch("/api/organizations/:id", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Change an organization", params: IdParams, body: OrganizationInput.partial(), response: { 200: Organization } },
    handler: async (req) => {
      const b = req.body;
      const before = await ctx.db.selectFrom("organizations").selectAll().where("id", "=", req.params.id).executeTakeFirst();
      const row = await ctx.db
        .updateTable("organizations")
        .set({
          ...(b.name !== undefined && { name: b.name }),
          ...(b.domain !== undefined && { domain: b.domain }),
          ...(b.shares_tickets !== undefined && { shares_tickets: b.shares_tickets ? 1 : 0 }),
        })
        .where("id", "=", req.params.id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound("The organization");
      ctx.log.info({ event: "organization_updated", actor: req.actor.id, id: row.id }, "organization updated");
      await recordAudit(ctx, req.actor, { action: "organization.updated", target: { type: "organization", id: row.id, label: row.name }, before: before && presentOrganization(before), after: presentOrganization(row) });
      return presentOrganization(row);
    },
  });

  // ---- teams ----
  app.get("/api/teams", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "All teams with their members", response: { 200: z.array(Team) } },
    handler: async () => presentTeams(ctx.db, await ctx.db.selectFrom("teams").selectAll().orderBy("name").execute()),
  });

  app.get("/api/teams/:id", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "One team", params: IdParams, response: { 200: Team } },
    handler: async (req) => {
      const row = await ctx.db.selectFrom("teams").selectAll().where("id", "=", req.params.id).executeTakeFirst();
      if (!row) throw notFound("The team");
      return (await presentTeams(ctx.db, [row]))[0];
    },
  });

  app.post("/api/teams", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Add a team", body: TeamInput, response: { 201: Team } },
    handler: async (req, reply) => {
      try {
        const row = await ctx.db
          .insertInto("teams")
          .values({ name: req.body.name, description: req.body.description ?? "", created_at: ctx.clock.now().toISOString() })
          .returningAll()
          .executeTakeFirstOrThrow();
        ctx.log.info({ event: "team_created", actor: req.actor.id, id: row.id }, "team created");
        await recordAudit(ctx, req.actor, { action: "team.created", target: { type: "team", id: row.id, label: row.name }, after: { name: row.name, description: row.description } });
        return reply.status(201).send((await presentTeams(ctx.db, [row]))[0]);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`A team named ${req.body.name} already exists.`);
        throw err;
      }
    },
  });

  app.patch("/api/teams/:id", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Rename or describe a team", params: IdParams, body: TeamInput.partial(), response: { 200: Team } },
    handler: async (req) => {
      const before = await ctx.db.selectFrom("teams").select(["name", "description"]).where("id", "=", req.params.id).executeTakeFirst();
      const row = await ctx.db
        .updateTable("teams")
        .set({ ...(req.body.name !== undefined && { name: req.body.name }), ...(req.body.description !== undefined && { description: req.body.description }) })
        .where("id", "=", req.params.id)
        .returningAll()
        .executeTakeFirst()
        .catch((err) => {
          if (isUniqueViolation(err)) throw conflict(`A team named ${req.body.name} already exists.`);
          throw err;
        });
      if (!row) throw notFound("The team");
      await recordAudit(ctx, req.actor, { action: "team.updated", target: { type: "team", id: row.id, label: row.name }, before, after: { name: row.name, description: row.description } });
      return (await presentTeams(ctx.db, [row]))[0];
    },
  });

  app.post("/api/teams/:id/members", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "Add a member (admins, or supervisors of the team)", params: IdParams, body: TeamMemberInput, response: { 201: Team } },
    handler: async (req, reply) => {
      await addTeamMember(ctx, req.actor, req.params.id, req.body.user_id);
      const row = await ctx.db.selectFrom("teams").selectAll().where("id", "=", req.params.id).executeTakeFirstOrThrow();
      return reply.status(201).send((await presentTeams(ctx.db, [row]))[0]);
    },
  });

  app.delete("/api/teams/:id/members/:userId", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "Remove a member", params: z.object({ id: Id, userId: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      await removeTeamMember(ctx, req.actor, req.params.id, req.params.userId);
      return reply.status(204).send(null);
    },
  });
}

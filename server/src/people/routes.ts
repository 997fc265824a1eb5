import { Id, Organization, OrganizationInput, Team, TeamInput, TeamMemberInput, User, UserCreateInput, UserUpdateInput, Page } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { isStaff } from "../auth/actor.ts";
import { notFound } from "../errors.ts";
import { addTeamMember, createUser, removeTeamMember, updateUser } from "./service.ts";
import { createOrganization, updateOrganization } from "./organizations.ts";
import { presentOrganization, presentTeams, presentUsers } from "./present.ts";
import { findUsers, listOrganizations, listTeams, teamById, userById } from "./queries.ts";
import { createTeam, updateTeam } from "./teams.ts";

const IdParams = z.object({ id: Id });

async function userView(ctx: AppContext, id: number) {
  const row = await userById(ctx.db, id);
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
      const { limit, ...filters } = req.query;
      const rows = await findUsers(ctx.db, filters, limit);
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
    handler: async () => (await listOrganizations(ctx.db)).map(presentOrganization),
  });

  app.post("/api/organizations", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Add an organization", body: OrganizationInput, response: { 201: Organization } },
    handler: async (req, reply) => {
      const row = await createOrganization(ctx, req.actor, req.body);
      return reply.status(201).send(presentOrganization(row));
    },
  });

  app.patch("/api/organizations/:id", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Change an organization", params: IdParams, body: OrganizationInput.partial(), response: { 200: Organization } },
    handler: async (req) => {
      const row = await updateOrganization(ctx, req.actor, req.params.id, req.body);
      return presentOrganization(row);
    },
  });

  // ---- teams ----
  app.get("/api/teams", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "All teams with their members", response: { 200: z.array(Team) } },
    handler: async () => presentTeams(ctx.db, await listTeams(ctx.db)),
  });

  app.get("/api/teams/:id", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "One team", params: IdParams, response: { 200: Team } },
    handler: async (req) => {
      const row = await teamById(ctx.db, req.params.id);
      if (!row) throw notFound("The team");
      return (await presentTeams(ctx.db, [row]))[0];
    },
  });

  app.post("/api/teams", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Add a team", body: TeamInput, response: { 201: Team } },
    handler: async (req, reply) => {
      const row = await createTeam(ctx, req.actor, req.body);
      return reply.status(201).send((await presentTeams(ctx.db, [row]))[0]);
    },
  });

  app.patch("/api/teams/:id", {
    config: { access: "admin" },
    schema: { tags: ["people"], summary: "Rename or describe a team", params: IdParams, body: TeamInput.partial(), response: { 200: Team } },
    handler: async (req) => {
      const row = await updateTeam(ctx, req.actor, req.params.id, req.body);
      return (await presentTeams(ctx.db, [row]))[0];
    },
  });

  app.post("/api/teams/:id/members", {
    config: { access: "staff" },
    schema: { tags: ["people"], summary: "Add a member (admins, or supervisors of the team)", params: IdParams, body: TeamMemberInput, response: { 201: Team } },
    handler: async (req, reply) => {
      await addTeamMember(ctx, req.actor, req.params.id, req.body.user_id);
      const row = (await teamById(ctx.db, req.params.id))!;
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

/**
 * Typed calls for the admin settings: people, organizations and teams, the category tree, and
 * the ticket model (statuses, the priority matrix, custom fields). Every answer is parsed with
 * the contract's schema; inputs are the contract's own input types.
 */
import { ApiToken, Category, CustomField, Organization, Page, PriorityMatrix, Status, Team, TicketCount, User } from "@tessera/contracts";
import type { CategoryInput, CustomFieldInput, CustomFieldUpdateInput, OrganizationInput, Role, StatusInput, StatusUpdateInput, TeamInput, UserCreateInput, UserUpdateInput } from "@tessera/contracts";
import { z } from "zod";
import { api, apiNoContent } from "./client.ts";

function query(params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") qs.set(k, String(v));
  return qs.toString();
}

// ---- users ----

export interface UserFilters {
  q?: string;
  role?: Role | "staff";
  active?: "true" | "false";
}

const UserPage = Page(User);

/** One page of people matching the filters, in the order they were added. */
export const listUsers = (filters: UserFilters, cursor: string | undefined, signal?: AbortSignal) => api(`/api/users?${query({ ...filters, limit: 50, cursor })}`, UserPage, { signal });
/** Active agents, supervisors and admins (the people who may join a team), at most 200. */
export const listStaff = () => api(`/api/users?${query({ role: "staff", active: "true", limit: 200 })}`, UserPage);
export const listOrganizationMembers = (organizationId: number) => api(`/api/users?${query({ organization: organizationId, limit: 50 })}`, UserPage);
export const fetchUser = (id: number) => api(`/api/users/${id}`, User);
export const createUser = (input: z.input<typeof UserCreateInput>) => api("/api/users", User, { json: input });
/** Disabling (`active: false`) ends the person's sessions and API tokens at once. */
export const updateUser = (id: number, input: UserUpdateInput) => api(`/api/users/${id}`, User, { method: "PATCH", json: input });
/** A person's API tokens (revoked ones included). */
export const fetchUserTokens = (userId: number) => api(`/api/tokens?${query({ user_id: userId })}`, z.array(ApiToken));

// ---- organizations ----

export type OrganizationChanges = z.input<typeof OrganizationInput>;
export const fetchOrganizations = () => api("/api/organizations", z.array(Organization));
export const createOrganization = (input: OrganizationChanges) => api("/api/organizations", Organization, { json: input });
export const updateOrganization = (id: number, input: Partial<OrganizationChanges>) => api(`/api/organizations/${id}`, Organization, { method: "PATCH", json: input });

// ---- teams ----

export type TeamChanges = z.input<typeof TeamInput>;
export const fetchTeams = () => api("/api/teams", z.array(Team));
export const createTeam = (input: TeamChanges) => api("/api/teams", Team, { json: input });
export const updateTeam = (id: number, input: Partial<TeamChanges>) => api(`/api/teams/${id}`, Team, { method: "PATCH", json: input });
export const addTeamMember = (teamId: number, userId: number) => api(`/api/teams/${teamId}/members`, Team, { json: { user_id: userId } });
export const removeTeamMember = (teamId: number, userId: number) => apiNoContent(`/api/teams/${teamId}/members/${userId}`, { method: "DELETE" });

// ---- categories ----

export type CategoryChanges = z.input<typeof CategoryInput>;
export const fetchAllCategories = () => api("/api/categories", z.array(Category));
export const createCategory = (input: CategoryChanges) => api("/api/categories", Category, { json: input });
export const updateCategory = (id: number, input: Partial<CategoryChanges>) => api(`/api/categories/${id}`, Category, { method: "PATCH", json: input });

// ---- ticket model ----

export const fetchStatuses = () => api("/api/statuses", z.array(Status));
export const createStatus = (input: z.input<typeof StatusInput>) => api("/api/statuses", Status, { json: input });
export const updateStatus = (key: string, input: z.input<typeof StatusUpdateInput>) => api(`/api/statuses/${encodeURIComponent(key)}`, Status, { method: "PATCH", json: input });

export const fetchPriorityMatrix = () => api("/api/settings/priority-matrix", PriorityMatrix);
export const savePriorityMatrix = (matrix: PriorityMatrix["matrix"]) => api("/api/settings/priority-matrix", PriorityMatrix, { method: "PUT", json: { matrix } });

export const fetchAllCustomFields = () => api("/api/custom-fields", z.array(CustomField));
export const createCustomField = (input: z.input<typeof CustomFieldInput>) => api("/api/custom-fields", CustomField, { json: input });
export const updateCustomField = (id: number, input: z.input<typeof CustomFieldUpdateInput>) => api(`/api/custom-fields/${id}`, CustomField, { method: "PATCH", json: input });

// ---- what depends on something ----

/**
 * How many tickets match the list filters (`{assignee: "12", status_category: "new,open"}`).
 * Admins see every ticket, so for them this is the whole desk.
 */
export const countTickets = (filters: Record<string, string>, signal?: AbortSignal) => api(`/api/tickets/count?${query(filters)}`, TicketCount, { signal });

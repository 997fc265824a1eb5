/**
 * TanStack Query hooks for the admin settings. Teams, statuses, categories, custom fields and
 * ticket counts use the portal's and the agent workspace's keys, with the same answers, so a
 * change saved here refreshes every open page that shows them.
 */
import { useQuery, type QueryClient } from "@tanstack/react-query";
import {
  countTickets,
  fetchAllCategories,
  fetchAllCustomFields,
  fetchOrganizations,
  fetchPriorityMatrix,
  fetchStatuses,
  fetchTeams,
  fetchUser,
  fetchUserTokens,
  listOrganizationMembers,
  listStaff,
  listUsers,
  type UserFilters,
} from "./admin.ts";
import { agentKeys } from "./agent-queries.ts";
import { keys } from "./queries.ts";
import { usePagedList } from "./paged.ts";

export const adminKeys = {
  users: ["admin-users"] as const,
  userList: (filters: UserFilters) => ["admin-users", "list", filters] as const,
  user: (id: number) => ["admin-users", "one", id] as const,
  userTokens: (id: number) => ["admin-users", "tokens", id] as const,
  orgMembers: (id: number) => ["admin-users", "organization", id] as const,
  /** The workspace's list of assignable people. */
  staff: agentKeys.staff,
  adminStaff: ["admin-users", "staff"] as const,
  organizations: ["organizations"] as const,
  teams: agentKeys.teams,
  statuses: agentKeys.statuses,
  categories: keys.categories,
  customFields: keys.customFields,
  priorityMatrix: ["priority-matrix"] as const,
  counts: agentKeys.counts,
  count: agentKeys.count,
};

/** Status categories of tickets that still need someone (not resolved, closed or cancelled). */
export const UNFINISHED = "new,open,awaiting_requester,awaiting_third_party,awaiting_approval";

export const useUserPages = (filters: UserFilters) => usePagedList(adminKeys.userList(filters), (after, signal) => listUsers(filters, after, signal));

export const useAdminUser = (id: number | null) => useQuery({ queryKey: adminKeys.user(id ?? 0), queryFn: () => fetchUser(id!), enabled: id !== null });
export const useUserTokens = (id: number, enabled: boolean) => useQuery({ queryKey: adminKeys.userTokens(id), queryFn: () => fetchUserTokens(id), enabled });
export const useOrganizationMembers = (id: number | null) => useQuery({ queryKey: adminKeys.orgMembers(id ?? 0), queryFn: () => listOrganizationMembers(id!), enabled: id !== null });
/** Everyone who may join a team, for the member picker. */
export const useAssignableStaff = () => useQuery({ queryKey: adminKeys.adminStaff, queryFn: listStaff, select: (p) => p.items });

export const useOrganizations = () => useQuery({ queryKey: adminKeys.organizations, queryFn: fetchOrganizations });
export const useAdminTeams = () => useQuery({ queryKey: adminKeys.teams, queryFn: fetchTeams });
export const useAdminStatuses = () => useQuery({ queryKey: adminKeys.statuses, queryFn: fetchStatuses });
export const useAdminCategories = () => useQuery({ queryKey: adminKeys.categories, queryFn: fetchAllCategories });
export const useAdminCustomFields = () => useQuery({ queryKey: adminKeys.customFields, queryFn: fetchAllCustomFields });
export const usePriorityMatrix = () => useQuery({ queryKey: adminKeys.priorityMatrix, queryFn: fetchPriorityMatrix });

/** How many tickets match; used to say what depends on something before it is changed. */
export const useTicketCount = (filters: Record<string, string>, enabled = true) =>
  useQuery({ queryKey: adminKeys.count(filters), queryFn: ({ signal }) => countTickets(filters, signal), enabled, staleTime: 10_000 });

/** After a change to people or teams: every list that shows names, roles or memberships. */
export function refreshPeople(client: QueryClient) {
  void client.invalidateQueries({ queryKey: adminKeys.users });
  void client.invalidateQueries({ queryKey: adminKeys.staff });
  void client.invalidateQueries({ queryKey: adminKeys.teams });
}

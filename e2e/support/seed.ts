/** The desk every browser test starts from, made through the API as an admin would. */
import { ApiSession } from "./api.ts";
import { ADMIN, PASSWORD, type DeskState, type SeededUser } from "./state.ts";

export async function seedDesk(baseURL: string): Promise<DeskState["users"]> {
  const admin = await ApiSession.signIn(baseURL, ADMIN.email, ADMIN.password);
  const me = await admin.get<SeededUser>("/api/me");

  const serviceDesk = await admin.post<{ id: number }>("/api/teams", { name: "Service Desk", description: "First line IT support" });
  const facilities = await admin.post<{ id: number }>("/api/teams", { name: "Facilities" });

  const user = (email: string, name: string, role: string) => admin.post<SeededUser>("/api/users", { email, name, role, password: PASSWORD });
  const alice = await user("alice@example.test", "Alice Martin", "requester");
  const bob = await user("bob@example.test", "Bob Okafor", "requester");
  const sam = await user("sam@example.test", "Sam Rivera", "agent");
  await admin.post(`/api/teams/${serviceDesk.id}/members`, { user_id: sam.id });

  const category = (name: string, extra: Record<string, unknown> = {}) => admin.post<{ id: number }>("/api/categories", { name, ...extra });
  const hardware = await category("Hardware", { default_team_id: serviceDesk.id, default_type: "incident" });
  // Subcategories name their team too: the server does not inherit a parent's default team.
  for (const child of ["Laptops", "Printers", "Monitors"]) await category(child, { parent_id: hardware.id, default_team_id: serviceDesk.id });
  const software = await category("Software", { default_team_id: serviceDesk.id });
  for (const child of ["Installation", "Licences"]) await category(child, { parent_id: software.id, default_team_id: serviceDesk.id });
  const access = await category("Access and accounts", { default_team_id: serviceDesk.id, default_type: "service_request" });
  for (const child of ["Password reset", "New account", "Shared folders"]) await category(child, { parent_id: access.id, default_team_id: serviceDesk.id });
  await category("Network and VPN", { default_team_id: serviceDesk.id });
  const office = await category("Office and facilities", { default_team_id: facilities.id, default_type: "service_request" });
  for (const child of ["Desks and rooms", "Building access"]) await category(child, { parent_id: office.id, default_team_id: facilities.id });

  await admin.post("/api/custom-fields", { key: "asset_tag", label: "Asset tag", type: "text", visible_to_requester: true });
  await admin.post("/api/custom-fields", { key: "office", label: "Office", type: "select", options: ["Berlin", "Lisbon", "Remote"], visible_to_requester: true });
  await admin.post("/api/custom-fields", { key: "internal_cost", label: "Internal cost code", type: "text", visible_to_requester: false });

  const pick = (u: SeededUser) => ({ id: u.id, email: u.email, name: u.name });
  return { admin: pick(me), alice: pick(alice), bob: pick(bob), sam: pick(sam) };
}

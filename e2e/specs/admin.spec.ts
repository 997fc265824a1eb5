import type { Locator } from "@playwright/test";
import { expect, test, type Page } from "../support/fixtures.ts";

/** A word no other test uses, so names and emails made here never collide. */
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

const settingsNav = (page: Page) => page.getByRole("navigation", { name: "Settings" });

/** Picks an option of a select in `scope` (typing part of its name first when given). */
async function choose(page: Page, scope: Locator, label: string, option: string, search?: string) {
  const box = scope.getByRole("textbox", { name: label, exact: true });
  await box.click();
  if (search) await box.fill(search);
  await page.getByRole("option", { name: option, exact: true }).click();
  await expect(box).toHaveValue(option);
}

test("an admin adds an agent, puts them in a team, files a category under a team and changes the priority matrix", async ({ page, desk }) => {
  const word = unique("adm");
  const name = `Priya Natarajan ${word}`;
  const email = `priya.${word}@example.test`;
  const admin = await desk.api(desk.users.admin);
  const before = await admin.get<{ matrix: Record<string, Record<string, string>> }>("/api/settings/priority-matrix");

  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "Users and roles" })).toBeVisible();

  // Add the agent.
  await page.getByRole("link", { name: "Add user" }).click();
  const newUser = page.getByRole("form", { name: "New user" });
  await newUser.getByLabel("Name").fill(name);
  await newUser.getByLabel("Email").fill(email);
  await choose(page, newUser, "Role", "Agent");
  await newUser.getByLabel("Password").fill("a long agent password 42");
  await newUser.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("form", { name: `Edit ${name}` })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/users\/\d+$/);
  await page.getByRole("textbox", { name: "Search people" }).fill(word);
  const people = page.getByRole("table", { name: "People" });
  await expect(people.getByRole("row")).toHaveCount(2);
  await expect(people.getByRole("row", { name: new RegExp(name) })).toContainText("Agent");
  await expect(people.getByRole("row", { name: new RegExp(name) })).toContainText("Never");

  // Put them in Service Desk with the agent picker.
  await settingsNav(page).getByRole("link", { name: "Teams and members" }).click();
  await page
    .getByRole("region", { name: "Team list" })
    .getByRole("link", { name: /Service Desk/ })
    .click();
  await choose(page, page.getByRole("form", { name: "Edit team Service Desk" }), "Add an agent", `${name} · ${email}`, word);
  await page.getByRole("button", { name: "Add to team" }).click();
  const members = page.getByRole("list", { name: "Members of Service Desk" });
  await expect(members.getByRole("link", { name })).toBeVisible();
  await expect
    .poll(async () => (await admin.get<Array<{ name: string; members: Array<{ email: string }> }>>("/api/teams")).find((t) => t.name === "Service Desk")!.members.map((m) => m.email))
    .toContain(email);

  // A subcategory of Hardware whose tickets go to Facilities.
  await settingsNav(page).getByRole("link", { name: "Categories" }).click();
  await page.getByRole("link", { name: "New category" }).click();
  const newCategory = page.getByRole("form", { name: "New category" });
  const categoryName = `Docking stations ${word}`;
  await newCategory.getByLabel("Name").fill(categoryName);
  await choose(page, newCategory, "Parent", "Hardware");
  await choose(page, newCategory, "Default team", "Facilities");
  await expect(newCategory).toContainText(`Shown to requesters as “Hardware / ${categoryName}”`);
  await newCategory.getByRole("button", { name: "Add category" }).click();
  await expect(page.getByRole("form", { name: `Edit category Hardware / ${categoryName}` })).toBeVisible();
  const tree = page.getByRole("list", { name: "Categories" });
  await expect(tree.getByRole("link", { name: new RegExp(categoryName) })).toContainText("Facilities");
  const categories = await admin.get<Array<{ path: string; default_team: { name: string } | null }>>("/api/categories");
  expect(categories.find((c) => c.path === `Hardware / ${categoryName}`)?.default_team?.name).toBe("Facilities");

  // One cell of the priority matrix, explained as it changes, saved, and still there after a reload.
  try {
    await settingsNav(page).getByRole("link", { name: "Priority matrix" }).click();
    const cell = page.getByRole("textbox", { name: "Priority for low impact and low urgency" });
    await expect(cell).toHaveValue("P4 · Low");
    await cell.click();
    await page.getByRole("option", { name: "P3 · Medium" }).click();
    await expect(page.getByRole("status", { name: "Explanation" })).toContainText("Low impact + low urgency → P3 · Medium");
    await expect(page.getByText("Low impact + low urgency: P4 → P3")).toBeVisible();
    await expect(page.getByText("Unsaved changes")).toBeVisible();
    await desk.screenshot(page, "admin-priority-matrix-changed");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("form", { name: "Priority matrix" }).getByText("Saved", { exact: true })).toBeVisible();
    expect((await admin.get<{ matrix: Record<string, Record<string, string>> }>("/api/settings/priority-matrix")).matrix.low.low).toBe("P3");
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Priority for low impact and low urgency" })).toHaveValue("P3 · Medium");
  } finally {
    await admin.request("PUT", "/api/settings/priority-matrix", before);
  }
});

test("someone who is not an admin opening /admin is told it is for admins only", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.sam);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Admin settings" })).toBeVisible();
  await expect(page.getByText("For administrators.")).toBeVisible();
  await expect(page.getByText(/is an agent account, so it does not have access/)).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Settings" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Go to the agent workspace" })).toBeVisible();
  await desk.screenshot(page, "admin-admins-only");

  await desk.signIn(page, desk.users.alice);
  await page.goto("/admin");
  await expect(page.getByText(/is a requester account, so it does not have access/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the support portal" })).toBeVisible();
});

test("disabling someone says first that their sessions and tokens end, and unsaved changes are not lost by a stray click", async ({ page, desk }) => {
  const word = unique("dis");
  const admin = await desk.api(desk.users.admin);
  const user = await admin.post<{ id: number; name: string }>("/api/users", { email: `leaver.${word}@example.test`, name: `Lee Leaver ${word}`, role: "agent", password: "a long leaver password 7" });
  const { token } = await admin.post<{ token: string }>("/api/tokens", { name: "Nightly report", user_id: user.id });
  const asToken = () => fetch(`${desk.baseURL}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
  expect((await asToken()).status).toBe(200);

  await desk.signIn(page, desk.users.admin);
  await page.goto(`/admin/users/${user.id}`);
  const editor = page.getByRole("form", { name: `Edit ${user.name}` });
  await expect(editor.getByLabel("Name")).toHaveValue(user.name);

  // A change not saved yet: leaving asks first, and keeping it keeps it.
  await editor.getByLabel("Name").fill(`Lee Leaver-Smith ${word}`);
  await expect(editor.getByText("Unsaved changes")).toBeVisible();
  await settingsNav(page).getByRole("link", { name: "Organizations" }).click();
  const discard = page.getByRole("dialog", { name: "Discard unsaved changes?" });
  await expect(discard).toBeVisible();
  await desk.screenshot(page, "admin-unsaved-guard");
  await discard.getByRole("button", { name: "Keep editing" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/users/${user.id}$`));
  await expect(editor.getByLabel("Name")).toHaveValue(`Lee Leaver-Smith ${word}`);
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("form", { name: `Edit Lee Leaver-Smith ${word}` }).getByText("Saved", { exact: true })).toBeVisible();

  // Disabling names what ends before it happens.
  await page.getByRole("button", { name: "Disable account…" }).click();
  const confirm = page.getByRole("dialog", { name: `Disable Lee Leaver-Smith ${word}?` });
  await expect(confirm).toContainText("Their sessions and API tokens end at once.");
  await expect(confirm).toContainText("1 active token: Nightly report");
  await expect(confirm).toContainText("No unfinished tickets are assigned to them.");
  await desk.screenshot(page, "admin-disable-confirm");
  await confirm.getByRole("button", { name: "Disable account" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Enable account" })).toBeVisible();
  await expect(page.getByRole("table", { name: "People" }).getByRole("row", { name: new RegExp(word) })).toContainText("Disabled");
  expect((await asToken()).status).toBe(401);

  await page.getByRole("button", { name: "Enable account" }).click();
  await expect(page.getByRole("button", { name: "Disable account…" })).toBeVisible();
});

test("the API's refusals are shown on the field they are about", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/users/new");
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Name").fill("Alice Again");
  await form.getByLabel("Email").fill(desk.users.alice.email);
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText(`A user with the email ${desk.users.alice.email} already exists.`)).toBeVisible();
  await expect(form.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("Email").fill(`new.${unique("e")}@example.test`);
  await form.getByLabel("Password").fill("password");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText("This is one of the most commonly used passwords; choose another")).toBeVisible();
  await desk.screenshot(page, "admin-user-field-error");

  // A team name that is taken is refused on the name field. (Leaving the unsaved user asks first.)
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Teams and members" }).click();
  await page.getByRole("dialog", { name: "Discard unsaved changes?" }).getByRole("button", { name: "Discard changes" }).click();
  await page.getByRole("link", { name: "New team" }).click();
  const team = page.getByRole("form", { name: "New team" });
  await team.getByLabel("Name").fill("Facilities");
  await team.getByRole("button", { name: "Create team" }).click();
  await expect(team.getByText("A team named Facilities already exists.")).toBeVisible();
});

test("the settings search finds settings by what they do and the desk's own teams and categories", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/users");
  const search = page.getByRole("textbox", { name: "Search settings" });
  await search.fill("email domain");
  await expect(settingsNav(page).getByRole("link", { name: /Organizations/ })).toContainText("Email domain");
  await desk.screenshot(page, "admin-settings-search");
  await search.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Organizations" })).toBeVisible();

  await search.fill("printers");
  await settingsNav(page)
    .getByRole("link", { name: /Hardware \/ Printers/ })
    .click();
  await expect(page.getByRole("form", { name: "Edit category Hardware / Printers" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Default team" })).toHaveValue("Service Desk");
});

test("each admin screen, for the screenshots", async ({ page, desk }) => {
  // A dozen full-page screenshots: on a busy machine that outlasts the default limit.
  test.setTimeout(120_000);
  const admin = await desk.api(desk.users.admin);
  const word = unique("org");
  const org = await admin.post<{ id: number }>("/api/organizations", { name: `Acme Logistics ${word}`, domain: `acme-${word}.example`, shares_tickets: true });
  await admin.post("/api/users", { email: `ana@acme-${word}.example`, name: "Ana Costa", role: "requester" });
  await desk.signIn(page, desk.users.admin);

  await page.goto("/admin/users");
  await expect(page.getByRole("table", { name: "People" }).getByRole("row", { name: /Sam Rivera/ })).toBeVisible();
  await desk.screenshot(page, "admin-users");
  await page.getByRole("table", { name: "People" }).getByRole("link", { name: "Sam Rivera" }).click();
  await expect(page.getByRole("form", { name: "Edit Sam Rivera" })).toBeVisible();
  await desk.screenshot(page, "admin-user");

  await page.goto("/admin/teams");
  await expect(page.getByText("Pick a team")).toBeVisible();
  await page
    .getByRole("region", { name: "Team list" })
    .getByRole("link", { name: /Service Desk/ })
    .click();
  await expect(page.getByRole("list", { name: "Members of Service Desk" })).toContainText("Sam Rivera");
  await expect(page.getByText(/New tickets come here from/)).toContainText("Hardware (with 3 subcategories)");
  await desk.screenshot(page, "admin-team");

  await page.goto(`/admin/organizations/${org.id}`);
  await expect(page.getByText("Ana Costa")).toBeVisible();
  await desk.screenshot(page, "admin-organization");

  await page.goto("/admin/categories");
  await page
    .getByRole("list", { name: "Categories" })
    .getByRole("link", { name: /^Office and facilities/ })
    .click();
  await expect(page.getByRole("textbox", { name: "Default ticket type" })).toHaveValue("Service request");
  const category = page.getByRole("form", { name: "Edit category Office and facilities" });
  // The switch's input is drawn over by its track: click its label, as a person would.
  await category.getByText("Active", { exact: true }).click();
  await expect(category.getByRole("switch", { name: "Active" })).not.toBeChecked();
  await category.getByRole("button", { name: "Save changes" }).click();
  const deactivate = page.getByRole("dialog", { name: "Deactivate Office and facilities?" });
  await expect(deactivate).toContainText("2 active subcategories stay offered");
  await desk.screenshot(page, "admin-category-deactivate");
  await deactivate.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Revert" }).click();
  await expect(page.getByRole("switch", { name: "Active" })).toBeChecked();
  await desk.screenshot(page, "admin-category");

  await page.goto("/admin/priority-matrix");
  await expect(page.getByRole("textbox", { name: "Priority for high impact and high urgency" })).toHaveValue("P1 · Critical");
  await desk.screenshot(page, "admin-priority-matrix");

  await page.goto("/admin/custom-fields");
  await page
    .getByRole("list", { name: "Active fields" })
    .getByRole("link", { name: /Office/ })
    .click();
  await expect(page.getByRole("textbox", { name: "Options" })).toHaveValue("Berlin\nLisbon\nRemote");
  await desk.screenshot(page, "admin-custom-field");
  await page.getByRole("link", { name: "Add field" }).click();
  await page.getByRole("form", { name: "New custom field" }).getByRole("textbox", { name: "Label", exact: true }).fill("Cost centre");
  await expect(page.getByRole("textbox", { name: "Key" })).toHaveValue("cost_centre");
  await desk.screenshot(page, "admin-custom-field-new");
  // Leaving a half-made field asks first; discarding leaves.
  await settingsNav(page).getByRole("link", { name: "Statuses" }).click();
  await page.getByRole("dialog", { name: "Discard unsaved changes?" }).getByRole("button", { name: "Discard changes" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Statuses" })).toBeVisible();
  await page
    .getByRole("region", { name: "Status list" })
    .getByRole("link", { name: /^In progress/ })
    .click();
  await expect(page.getByText("Built-in statuses cannot be retired; rename them instead.")).toBeVisible();
  await desk.screenshot(page, "admin-status");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin/teams");
  await expect(page.getByRole("region", { name: "Team list" })).toBeVisible();
  await desk.screenshot(page, "admin-phone-teams");
  await page
    .getByRole("region", { name: "Team list" })
    .getByRole("link", { name: /Service Desk/ })
    .click();
  await expect(page.getByRole("link", { name: "All teams" })).toBeVisible();
  await desk.screenshot(page, "admin-phone-team");
  // On a phone the settings are in the header's menu.
  await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("navigation", { name: "Admin menu" }).getByRole("link", { name: "Custom fields" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Custom fields" })).toBeVisible();
});

test("an admin adds a choice-list field and a status of their own, then renames the status", async ({ page, desk }) => {
  const word = unique("tm");
  const admin = await desk.api(desk.users.admin);
  await desk.signIn(page, desk.users.admin);

  await page.goto("/admin/custom-fields");
  await page.getByRole("link", { name: "Add field" }).click();
  const newField = page.getByRole("form", { name: "New custom field" });
  await newField.getByRole("textbox", { name: "Label", exact: true }).fill(`Floor ${word}`);
  await expect(newField.getByRole("textbox", { name: "Key" })).toHaveValue(`floor_${word}`);
  await choose(page, newField, "Type", "Choice list");
  await newField.getByRole("button", { name: "Add field" }).click();
  await expect(newField.getByText("A choice list needs at least one option")).toBeVisible();
  await newField.getByRole("textbox", { name: "Options" }).fill("Ground\nFirst\nSecond");
  await newField.getByText("Visible to requesters", { exact: true }).click();
  await newField.getByRole("button", { name: "Add field" }).click();
  await expect(page.getByRole("form", { name: `Edit field Floor ${word}` })).toBeVisible();
  await expect(page.getByRole("list", { name: "Active fields" }).getByRole("link", { name: new RegExp(`Floor ${word}`) })).toContainText("Shown to requesters");
  const fields = await admin.get<Array<{ id: number; key: string; type: string; options: string[]; visible_to_requester: boolean }>>("/api/custom-fields");
  expect(fields.find((f) => f.key === `floor_${word}`)).toMatchObject({ type: "select", options: ["Ground", "First", "Second"], visible_to_requester: true });

  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Statuses" }).click();
  await page.getByRole("link", { name: "Add status" }).click();
  const newStatus = page.getByRole("form", { name: "New status" });
  await choose(page, newStatus, "Category", "Awaiting third party");
  await newStatus.getByRole("textbox", { name: "Name" }).fill(`Waiting for parts ${word}`);
  await newStatus.getByRole("textbox", { name: "Requester label" }).fill("Waiting for a supplier");
  await expect(newStatus.getByRole("textbox", { name: "Key" })).toHaveValue(`waiting_for_parts_${word}`);
  await newStatus.getByRole("button", { name: "Add status" }).click();
  const editor = page.getByRole("form", { name: `Edit status Waiting for parts ${word}` });
  await expect(editor).toBeVisible();
  await expect(page.getByRole("region", { name: "Awaiting third party" }).getByRole("link", { name: new RegExp(`Waiting for parts ${word}`) })).toContainText(
    "Requesters see “Waiting for a supplier”",
  );

  await editor.getByRole("textbox", { name: "Name" }).fill(`Parts on order ${word}`);
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("region", { name: "Awaiting third party" }).getByRole("link", { name: new RegExp(`Parts on order ${word}`) })).toBeVisible();
  const statuses = await admin.get<Array<{ key: string; label: string; category: string }>>("/api/statuses");
  expect(statuses.find((s) => s.key === `waiting_for_parts_${word}`)).toMatchObject({ label: `Parts on order ${word}`, category: "awaiting_third_party" });

  // Retired again, so that the other tests' screens do not offer them.
  const field = fields.find((f) => f.key === `floor_${word}`)!;
  await admin.patch(`/api/custom-fields/${field.id}`, { active: false });
  await admin.patch(`/api/statuses/waiting_for_parts_${word}`, { active: false });
});

test("removing a member says first which of the team's tickets are assigned to them", async ({ page, desk }) => {
  const word = unique("rm");
  const admin = await desk.api(desk.users.admin);
  const teams = await admin.get<Array<{ id: number; name: string }>>("/api/teams");
  const facilities = teams.find((t) => t.name === "Facilities")!;
  const agent = await admin.post<{ id: number; name: string }>("/api/users", { email: `mover.${word}@example.test`, name: `Mo Mover ${word}`, role: "agent" });
  await admin.post(`/api/teams/${facilities.id}/members`, { user_id: agent.id });
  const alice = await desk.api(desk.users.alice);
  const categories = await alice.get<Array<{ id: number; path: string }>>("/api/categories");
  const desks = categories.find((c) => c.path === "Office and facilities / Desks and rooms")!;
  const ticket = await alice.post<{ reference: string }>("/api/tickets", { subject: `Desk lamp flickers ${word}`, format: "text", category_id: desks.id });
  await admin.updateTicket(ticket.reference, { assignee_id: agent.id });

  await desk.signIn(page, desk.users.admin);
  await page.goto(`/admin/teams/${facilities.id}`);
  await page
    .getByRole("list", { name: "Members of Facilities" })
    .getByRole("button", { name: `Remove ${agent.name} from Facilities` })
    .click();
  const confirm = page.getByRole("dialog", { name: `Remove ${agent.name} from Facilities?` });
  await expect(confirm).toContainText("1 unfinished ticket of Facilities is assigned to them and stays assigned: reassign it in the agent workspace.");
  await expect(confirm).toContainText("They stop seeing Facilities' queue.");
  await desk.screenshot(page, "admin-remove-member");
  await confirm.getByRole("button", { name: "Remove from team" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Members of Facilities" }).getByRole("link", { name: agent.name })).toHaveCount(0);
  expect((await admin.get<{ members: Array<{ id: number }> }>(`/api/teams/${facilities.id}`)).members.map((m) => m.id)).not.toContain(agent.id);
});

test("an admin adds an organization whose people see each other's requests", async ({ page, desk }) => {
  const word = unique("og");
  const admin = await desk.api(desk.users.admin);
  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/organizations");
  await page.getByRole("link", { name: "Add organization" }).click();
  const form = page.getByRole("form", { name: "New organization" });
  await form.getByRole("textbox", { name: "Name" }).fill(`Globex ${word}`);
  // A pasted address is cut down to its domain.
  await form.getByRole("textbox", { name: "Email domain" }).fill(`Someone@Globex-${word}.example`);
  await form.getByRole("textbox", { name: "Name" }).focus();
  await expect(form.getByRole("textbox", { name: "Email domain" })).toHaveValue(`globex-${word}.example`);
  await form.getByText("Members see each other's requests", { exact: true }).click();
  await expect(form).toContainText(`Everyone in Globex ${word} sees and can follow the requests of the others`);
  await form.getByRole("button", { name: "Add organization" }).click();
  await expect(page.getByRole("form", { name: `Edit organization Globex ${word}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Organization list" }).getByRole("link", { name: new RegExp(`Globex ${word}`) })).toContainText("Shares requests");
  const orgs = await admin.get<Array<{ name: string; domain: string | null; shares_tickets: boolean }>>("/api/organizations");
  expect(orgs.find((o) => o.name === `Globex ${word}`)).toMatchObject({ domain: `globex-${word}.example`, shares_tickets: true });
});

test("taking an option away from a choice list says that tickets keep the values they have", async ({ page, desk }) => {
  const word = unique("op");
  const admin = await desk.api(desk.users.admin);
  const field = await admin.post<{ id: number }>("/api/custom-fields", { key: `laptop_model_${word}`, label: `Laptop model ${word}`, type: "select", options: ["X1", "T14", "E15"] });
  await desk.signIn(page, desk.users.admin);
  await page.goto(`/admin/custom-fields/${field.id}`);
  const editor = page.getByRole("form", { name: `Edit field Laptop model ${word}` });
  await editor.getByRole("textbox", { name: "Options" }).fill("X1\nT14");
  await editor.getByRole("button", { name: "Save changes" }).click();
  const confirm = page.getByRole("dialog", { name: `Remove an option of Laptop model ${word}?` });
  await expect(confirm).toContainText("“E15” can no longer be chosen. Tickets that already have it keep the value.");
  await confirm.getByRole("button", { name: "Remove and save" }).click();
  await expect(editor.getByText("Saved", { exact: true })).toBeVisible();
  expect((await admin.get<Array<{ id: number; options: string[] }>>("/api/custom-fields")).find((f) => f.id === field.id)?.options).toEqual(["X1", "T14"]);
  await admin.patch(`/api/custom-fields/${field.id}`, { active: false });
});

test("when the API fails, an admin page says so where it happened, keeps the unsaved change and can try again", async ({ page, desk }) => {
  const unavailable = {
    status: 503,
    contentType: "application/json",
    body: JSON.stringify({ error: { code: "service_unavailable", message: "The database is not reachable right now; try again shortly." } }),
  };
  await desk.signIn(page, desk.users.admin);

  const teamList = (url: URL) => url.pathname === "/api/teams";
  await page.route(teamList, (route) => (route.request().method() === "GET" ? route.fulfill(unavailable) : route.fallback()));
  await page.goto("/admin/teams");
  const failure = page.getByRole("alert").filter({ hasText: "Teams could not be loaded" });
  await expect(failure).toContainText("The database is not reachable right now", { timeout: 15_000 });
  await desk.screenshot(page, "admin-list-error");
  await page.unroute(teamList);
  await failure.getByRole("button", { name: "Try again" }).click();
  await page
    .getByRole("region", { name: "Team list" })
    .getByRole("link", { name: /Facilities/ })
    .click();

  const editor = page.getByRole("form", { name: "Edit team Facilities" });
  const description = `Desks, rooms and building access ${unique("d")}`;
  await editor.getByRole("textbox", { name: "Description" }).fill(description);
  const saveTeam = (url: URL) => /^\/api\/teams\/\d+$/.test(url.pathname);
  await page.route(saveTeam, (route) => (route.request().method() === "PATCH" ? route.fulfill(unavailable) : route.fallback()));
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(editor.getByRole("alert").filter({ hasText: "Not saved" })).toContainText("The database is not reachable right now");
  await expect(editor.getByText("Unsaved changes")).toBeVisible();
  await expect(editor.getByRole("textbox", { name: "Description" })).toHaveValue(description);
  await page.unroute(saveTeam);
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(editor.getByText("Saved", { exact: true })).toBeVisible();
  await expect(editor.getByRole("alert")).toHaveCount(0);
});

test("the audit log tells an admin who failed to sign in and what was changed, from which address and browser", async ({ page, desk }) => {
  const word = unique("aud");
  const stranger = `nobody.${word}@example.test`;
  // Someone tries an account that does not exist, from this browser.
  const refused = await page.request.post("/api/auth/login", { data: { email: stranger, password: "guessing-123" } });
  expect(refused.status()).toBe(401);
  // The admin renames a team (through the API, as an integration would).
  const admin = await desk.api(desk.users.admin);
  const team = await admin.post<{ id: number }>("/api/teams", { name: `Audit ${word}` });
  await admin.patch(`/api/teams/${team.id}`, { name: `Audited ${word}` });

  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/users");
  await settingsNav(page).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  const entries = page.getByRole("region", { name: "Audit log entries" });

  // Filtered by the email that was tried: the failed attempt, with where it came from.
  await entries.getByRole("textbox", { name: "Person" }).fill(stranger);
  const failed = entries.getByRole("link", { name: new RegExp(`Failed sign-in for ${stranger} \\(no such account\\)`) });
  await expect(failed).toBeVisible();
  await expect(entries.getByRole("link")).toHaveCount(1);
  await expect(failed).toContainText(/127\.0\.0\.1 · Chrome \d+ on Linux/);

  // Filtered by kind: the rename, as a sentence, and what changed from what to what.
  await entries.getByRole("textbox", { name: "Person" }).fill("");
  await choose(page, entries, "Action", "Teams and members");
  const rename = entries.getByRole("link", { name: new RegExp(`${desk.users.admin.name} changed the team Audited ${word}`) });
  await rename.click();
  const entry = page.getByRole("region", { name: "Audit entry" });
  await expect(entry.getByRole("heading", { name: `${desk.users.admin.name} changed the team Audited ${word}: name from “Audit ${word}” to “Audited ${word}”` })).toBeVisible();
  const changes = entry.getByRole("table", { name: "What changed" });
  await expect(changes.getByRole("row", { name: `name Audit ${word} Audited ${word}` })).toBeVisible();
  await expect(entry).toContainText("127.0.0.1");
  await expect(page).toHaveURL(/\/admin\/audit-log\/\d+\?action=team$/);
  await desk.screenshot(page, "admin-audit-log");
});

/**
 * Canned replies, macros and snooze in the agent workspace, as an agent uses them: `/` in the
 * composer, `m` with its preview and Undo, `z` and the inbox-zero counts. Each test has an
 * agent of its own, so that "My open tickets" holds only that test's tickets.
 */
import { expect as baseExpect, test, type Desk } from "../support/fixtures.ts";
import { fileRequest, uniqueWord, WIDE } from "../support/agent.ts";
import type { ApiSession } from "../support/api.ts";
import { PASSWORD } from "../support/state.ts";

const expect = baseExpect.configure({ timeout: 15_000 });
test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

/** A new agent in the Service Desk team, signed in through the API too. */
async function newAgent(desk: Desk, first: string) {
  const admin = await desk.api(desk.users.admin);
  const word = uniqueWord(first.toLowerCase());
  const user = await admin.post<{ id: number; email: string; name: string }>("/api/users", { email: `${word}@example.test`, name: `${first} Quinn`, role: "agent", password: PASSWORD });
  const teams = await admin.get<Array<{ id: number; name: string }>>("/api/teams");
  const serviceDesk = teams.find((t) => t.name === "Service Desk")!;
  await admin.post(`/api/teams/${serviceDesk.id}/members`, { user_id: user.id });
  const api = await desk.api(user);
  return { user, api, teamId: serviceDesk.id };
}

/** A request from Alice, assigned to the agent and open. */
async function assignedTicket(desk: Desk, agent: { api: ApiSession; user: { id: number } }, subject: string) {
  const alice = await desk.api(desk.users.alice);
  const t = await fileRequest(alice, subject);
  return agent.api.updateTicket<{ id: number; reference: string; version: number }>(t.reference, { assignee_id: agent.user.id, status: "open" });
}

test("typing / in the composer finds a canned reply and inserts it with the requester's first name", async ({ page, desk }) => {
  const mia = await newAgent(desk, "Mia");
  await mia.api.post("/api/canned-replies", { title: "Password reset done", body: "Hi {{requester.first_name}},\n\nyour password for {{ticket.reference}} is reset.\n\n{{agent.first_name}}" });
  await mia.api.post("/api/canned-replies", { title: "Printer toner on its way", body: "Hi {{requester.first_name}}, toner is coming." });
  await mia.api.post("/api/macros", { name: "Password: hand to the identity team", actions: { priority: "P2", add_tags: ["identity"] } });
  const t = await assignedTicket(desk, mia, `Locked out of email ${uniqueWord("pw")}`);

  await desk.signIn(page, mia.user);
  await page.goto(`/agent/views/mine/${t.reference}`);
  const box = page.getByLabel("Reply to Alice Martin", { exact: true });
  // The first screen of a cold browser on a busy machine is slow; nothing here measures speed.
  await expect(box).toBeVisible({ timeout: 30_000 });
  await box.click();
  await box.pressSequentially("/pasw");
  const menu = page.getByRole("listbox", { name: "Canned replies" });
  await expect(menu).toBeVisible();
  // Fuzzy: a typo still finds it, and it is the first choice.
  await expect(menu.getByRole("option").first()).toContainText("Password reset done");
  await expect(menu.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  // Macros that match come after the replies.
  await expect(menu.getByRole("option").last()).toContainText("Password: hand to the identity team");
  await desk.screenshot(page, "agent-canned-menu");
  await page.keyboard.press("Enter");
  await expect(menu).toBeHidden();
  await expect(box).toHaveValue(`Hi Alice,\n\nyour password for ${t.reference} is reset.\n\nMia`);

  // Esc closes the menu and leaves the slash as typed.
  await box.press("End");
  await box.pressSequentially("\n/toner");
  await expect(menu.getByRole("option").first()).toContainText("Printer toner on its way");
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(box).toHaveValue(/\n\/toner$/);

  // The menu leads to the agent's own library of canned replies.
  await box.pressSequentially(" /");
  await menu
    .getByRole("button", { name: "Manage canned replies…" })
    .or(page.getByRole("button", { name: "Manage canned replies…" }))
    .click();
  const manager = page.getByRole("dialog", { name: "Canned replies" });
  await expect(manager).toBeVisible();
  await manager.getByRole("button", { name: /Password reset done/ }).click();
  await expect(manager.getByRole("textbox", { name: "Title" })).toHaveValue("Password reset done");
  await desk.screenshot(page, "agent-canned-manager");
  await page.keyboard.press("Escape");
  await expect(manager).toBeHidden();
});

test("m previews a macro's changes on the ticket, applies them, and Undo restores them", async ({ page, desk }) => {
  const noor = await newAgent(desk, "Noor");
  await noor.api.post("/api/macros", {
    name: "Waiting for refund approval",
    description: "Billing has to approve the refund first",
    actions: { status: "on_hold", priority: "P2", add_tags: ["refund"], note: "Refund requested by {{agent.name}} for {{requester.name}}." },
  });
  const t = await assignedTicket(desk, noor, `Charged twice for a licence ${uniqueWord("mc")}`);
  const before = await noor.api.get<{ priority: string; status: { label: string } }>(`/api/tickets/${t.reference}`);

  await desk.signIn(page, noor.user);
  await page.goto(`/agent/views/mine/${t.reference}`);
  const details = page.getByRole("complementary", { name: "Ticket details" });
  await expect(details).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press("m");
  const dialog = page.getByRole("dialog", { name: `Apply a macro to ${t.reference}` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("combobox", { name: "Search macros" }).fill("refund");
  await page.keyboard.press("Enter");

  const preview = page.getByRole("dialog", { name: "Apply “Waiting for refund approval”" });
  const changes = preview.getByRole("list", { name: "Changes" });
  await expect(changes).toContainText(/Status\s*Open\s*Awaiting requester/);
  await expect(changes).toContainText(new RegExp(`Priority\\s*${before.priority}\\s*P2`));
  await expect(changes).toContainText("+refund");
  await expect(preview).toContainText("Refund requested by Noor Quinn for Alice Martin.");
  await expect(preview).toContainText("the internal note stays");
  await desk.screenshot(page, "agent-macro-preview");
  await preview.getByRole("button", { name: "Apply macro" }).click();

  await expect(page.getByText(`“Waiting for refund approval” applied to ${t.reference}`)).toBeVisible();
  await expect.poll(async () => (await noor.api.get<{ status: { key: string } }>(`/api/tickets/${t.reference}`)).status.key).toBe("on_hold");
  await expect(page.getByText("Refund requested by Noor Quinn for Alice Martin.", { exact: true })).toBeVisible();
  await desk.screenshot(page, "agent-macro-applied");
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(page.getByText(`Undone: ${t.reference} is back as it was.`)).toBeVisible();

  const after = await noor.api.get<{ priority: string; status: { key: string }; tags: string[] }>(`/api/tickets/${t.reference}`);
  expect(after).toMatchObject({ priority: before.priority, status: { key: "open" }, tags: [] });
});

test("z snoozes a ticket until tomorrow: it leaves My open tickets, which counts it as snoozed", async ({ page, desk }) => {
  const omar = await newAgent(desk, "Omar");
  const word = uniqueWord("zz");
  const t = await assignedTicket(desk, omar, `Call back about the new monitor ${word}`);

  await desk.signIn(page, omar.user);
  await page.goto("/agent/views/mine");
  const list = page.getByRole("list", { name: "Tickets in My open tickets" });
  await expect(list.getByRole("link")).toHaveCount(1, { timeout: 30_000 });
  await page.keyboard.press("j");
  await expect(list.getByRole("link").first()).toBeFocused();
  await page.keyboard.press("z");
  const dialog = page.getByRole("dialog", { name: `Snooze ${t.reference}` });
  await expect(dialog).toBeVisible();
  await desk.screenshot(page, "agent-snooze-dialog");
  await dialog.getByRole("button", { name: /^Tomorrow/ }).click();
  await expect(page.getByText(new RegExp(`${t.reference} is snoozed until`))).toBeVisible();

  // Inbox zero, with the snoozed ticket counted and reachable.
  await expect(page.getByText("Inbox zero")).toBeVisible();
  const snoozedLink = page.getByRole("link", { name: "1 snoozed" });
  await expect(snoozedLink).toBeVisible();
  await expect(page.getByText(/the next back on .*09:00/)).toBeVisible();
  await desk.screenshot(page, "agent-snooze-inbox-zero");
  await snoozedLink.click();
  const snoozed = page.getByRole("list", { name: "Tickets in All open" });
  await expect(snoozed.getByRole("link")).toHaveCount(1);
  await expect(snoozed.getByRole("img", { name: /^Snoozed until .*09:00/ })).toBeVisible();
  await desk.screenshot(page, "agent-snoozed-row");

  // Opened, the header says so and wakes it on request.
  await snoozed.getByRole("link").first().click();
  await expect(page.getByRole("button", { name: /^Snoozed until/ })).toBeVisible();
  await desk.screenshot(page, "agent-snoozed-ticket");
  await page.getByRole("button", { name: /^Snoozed until/ }).click();
  await page
    .getByRole("dialog", { name: `Snooze ${t.reference}` })
    .getByRole("button", { name: "Wake it now" })
    .click();
  await expect(page.getByText(`${t.reference} is awake and back in the queues.`)).toBeVisible();
  await page.goto("/agent/views/mine");
  await expect(page.getByRole("list", { name: "Tickets in My open tickets" }).getByRole("link")).toHaveCount(1);
});

test("an admin shares a canned reply with everyone from the settings", async ({ page, desk }) => {
  const title = `Thanks for your patience ${uniqueWord("cr")}`;
  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/canned-replies");
  await page.getByRole("link", { name: "Add canned reply" }).click();
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  await page.getByRole("textbox", { name: "Text" }).fill("Hi ");
  await page.getByRole("button", { name: "Insert Requester's first name" }).click();
  await expect(page.getByRole("textbox", { name: "Text" })).toHaveValue("Hi {{requester.first_name}}");
  await page.getByRole("textbox", { name: "Text" }).press("End");
  await page.getByRole("textbox", { name: "Text" }).pressSequentially(", thanks for waiting. {{requester.firstname}}");
  await expect(page.getByText("{{requester.firstname}} is not a placeholder Tessera knows")).toBeVisible();
  await page.getByRole("textbox", { name: "Text" }).fill("Hi {{requester.first_name}}, thanks for waiting.");
  await desk.screenshot(page, "admin-canned-reply");
  await page.getByRole("button", { name: "Add canned reply" }).click();
  await expect(page).toHaveURL(/\/admin\/canned-replies\/\d+$/);
  await expect(page.getByRole("region", { name: "Canned replies list" }).getByText(title)).toBeVisible();

  // Every agent can use it.
  const sam = await desk.api(desk.users.sam);
  const usable = await sam.get<Array<{ title: string }>>("/api/canned-replies");
  expect(usable.map((r) => r.title)).toContain(title);
});

/**
 * SLAs as people meet them: an admin adds a business-hours calendar and a policy and reads the
 * preview; an agent sees the countdown on a row, the ticket in "Breaching soon", the SLA card
 * and the explanation; a requester reads when to expect an answer, and nothing internal.
 * Policies here only match categories made for the test, so no other test's ticket is timed.
 */
import { expect as baseExpect, test, type Desk, type Page } from "../support/fixtures.ts";
import type { Locator } from "@playwright/test";
import { uniqueWord, WIDE } from "../support/agent.ts";
import { PASSWORD } from "../support/state.ts";

const expect = baseExpect.configure({ timeout: 15_000 });
test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

async function choose(page: Page, scope: Locator, label: string, option: string, search?: string) {
  const box = scope.getByRole("textbox", { name: label, exact: true });
  await box.click();
  if (search) await box.fill(search);
  await page.getByRole("option", { name: option, exact: true }).click();
}

/** A category of its own under Network and VPN, handled by the Service Desk team. */
async function ownCategory(desk: Desk, word: string) {
  const admin = await desk.api(desk.users.admin);
  const categories = await admin.get<Array<{ id: number; path: string }>>("/api/categories");
  const network = categories.find((c) => c.path === "Network and VPN")!;
  const teams = await admin.get<Array<{ id: number; name: string }>>("/api/teams");
  const serviceDesk = teams.find((t) => t.name === "Service Desk")!;
  const category = await admin.post<{ id: number; path: string }>("/api/categories", { name: `Timed ${word}`, parent_id: network.id, default_team_id: serviceDesk.id });
  return { admin, category, serviceDesk };
}

/** A policy timing only that category, in the default 24×7 calendar, without escalations (nobody else gets notifications). */
async function ownPolicy(desk: Desk, word: string, targets: { first_response: number; resolution: number }, warnPercent = 75) {
  const { admin, category, serviceDesk } = await ownCategory(desk, word);
  const calendars = await admin.get<Array<{ id: number; is_default: boolean }>>("/api/sla/calendars");
  const policy = await admin.post<{ id: number; name: string }>("/api/sla/policies", {
    name: `Policy ${word}`,
    calendar_id: calendars.find((c) => c.is_default)!.id,
    conditions: { category_ids: [category.id] },
    targets: { P1: targets, P2: targets, P3: targets, P4: targets },
    warn_percent: warnPercent,
    escalations: [],
  });
  return { admin, category, serviceDesk, policy };
}

test("an admin adds a business-hours calendar and a policy, and the preview says when a ticket is due", async ({ page, desk }) => {
  const word = uniqueWord("cal");
  const { category } = await ownCategory(desk, word);
  await desk.signIn(page, desk.users.admin);

  await page.goto("/admin/business-hours/new");
  const calendar = page.getByRole("form", { name: "New calendar" });
  await calendar.getByLabel("Name").fill(`Paris office ${word}`);
  await choose(page, calendar, "Time zone", "Europe/Paris", "Europe/Paris");
  // Office hours are the starting point; a Saturday night shift runs into Sunday.
  await calendar.getByRole("button", { name: "Add hours on Saturday" }).click();
  await calendar.getByLabel("Saturday range 1 starts").fill("22:00");
  await calendar.getByLabel("Saturday range 1 ends").fill("06:00");
  await expect(calendar.getByText("ends next day")).toBeVisible();
  await calendar.getByRole("button", { name: "Add holiday" }).click();
  await calendar.getByLabel("Holiday 1 name").fill("Christmas Day");
  await calendar.getByLabel("Holiday 1 date").fill("2026-12-25");
  await calendar.getByRole("checkbox", { name: "Every year" }).check();
  await expect(calendar.getByText("48 h of business time a week")).toBeVisible();
  await desk.screenshot(page, "sla-admin-calendar");
  await calendar.getByRole("button", { name: "Add calendar" }).click();

  const saved = page.getByRole("form", { name: `Edit calendar Paris office ${word}` });
  await expect(saved).toBeVisible();
  await expect(page.getByRole("region", { name: "Calendar list" })).toContainText(`Paris office ${word}`);
  await expect(saved.getByLabel("Holiday 1 name")).toHaveValue("Christmas Day");
  await expect(saved.getByLabel("Saturday range 1 ends")).toHaveValue("06:00");

  await page.goto("/admin/sla-policies/new");
  const policy = page.getByRole("form", { name: "New policy" });
  await policy.getByLabel("Name").fill(`Network incidents ${word}`);
  await choose(page, policy, "Counted in", `Paris office ${word} (Europe/Paris)`);
  await choose(page, policy, "Category", category.path, word);
  await page.keyboard.press("Escape");
  await policy.getByLabel("P2 first response").fill("2h");
  const preview = policy.getByRole("region", { name: "Preview" });
  await expect(preview).toContainText("A P2 incident created now is due:");
  await expect(preview).toContainText(/First response by .+\(Europe\/Paris\)/);
  await expect(preview).toContainText(`Counted in “Paris office ${word}” (Europe/Paris)`);
  // A target that is not a duration is said to be wrong before anything is sent.
  await policy.getByLabel("P3 resolution").fill("soon");
  await policy.getByRole("button", { name: "Add policy" }).click();
  await expect(policy.getByRole("alert")).toContainText("P3 resolution: write it as 30m, 4h or 2h 30m");
  await policy.getByLabel("P3 resolution").fill("72h");
  await preview.scrollIntoViewIfNeeded();
  await desk.screenshot(page, "sla-admin-policy");
  await policy.getByRole("button", { name: "Add policy" }).click();

  await expect(page.getByRole("form", { name: `Edit policy Network incidents ${word}` })).toBeVisible();
  const list = page.getByRole("list", { name: "Policies in order" });
  await expect(list).toContainText(`Network incidents ${word}`);
  const stored = await (
    await desk.api(desk.users.admin)
  ).get<Array<{ name: string; calendar: { name: string }; conditions: { category_ids: number[] }; targets: Record<string, { first_response: number | null; resolution: number | null }> }>>(
    "/api/sla/policies",
  );
  const mine = stored.find((p) => p.name === `Network incidents ${word}`)!;
  expect(mine.calendar.name).toBe(`Paris office ${word}`);
  expect(mine.conditions.category_ids).toEqual([category.id]);
  expect(mine.targets.P2.first_response).toBe(120);
  expect(mine.targets.P3.resolution).toBe(72 * 60);
  // The editor names the policy's place in the list, counted from 1 (other tests only add policies after it).
  const place = stored.findIndex((p) => p.name === `Network incidents ${word}`) + 1;
  await expect(page.getByRole("form", { name: `Edit policy Network incidents ${word}` })).toContainText(place === 1 ? "Tried first." : `Tried in position ${place}.`);
});

test("an agent sees the countdown on the row, the ticket in Breaching soon, the SLA card and its explanation", async ({ page, desk }) => {
  const word = uniqueWord("brs");
  // A one-minute first response that warns at once: the ticket is at risk, then breached.
  const { admin, category, serviceDesk, policy } = await ownPolicy(desk, word, { first_response: 1, resolution: 600 }, 1);
  const agentUser = await admin.post<{ id: number; email: string; name: string }>("/api/users", { email: `${word}@example.test`, name: `Noor ${word}`, role: "agent", password: PASSWORD });
  await admin.post(`/api/teams/${serviceDesk.id}/members`, { user_id: agentUser.id });
  const alice = await desk.api(desk.users.alice);
  const ticket = await alice.post<{ reference: string }>("/api/tickets", {
    subject: `VPN drops every hour ${word}`,
    description: "Filed by a browser test.",
    format: "text",
    category_id: category.id,
  });
  const agent = await desk.api(agentUser);
  await agent.updateTicket(ticket.reference, { assignee_id: agentUser.id });

  await desk.signIn(page, agentUser);
  await page.goto("/agent/views/mine");
  const mine = page.getByRole("list", { name: "Tickets in My open tickets" });
  const row = mine.getByRole("listitem").filter({ hasText: ticket.reference });
  const badge = row.getByRole("img", { name: /^SLA: First response/ });
  await expect(badge).toBeVisible();
  await expect(badge).toHaveAttribute("aria-label", /at risk|breached/);

  // The nav counts it among the tickets breaching soon, and the view lists it.
  const nav = page.getByRole("navigation", { name: "Views" });
  await expect(async () => {
    await page.goto("/agent/views/breaching");
    await expect(page.getByRole("list", { name: "Tickets in Breaching soon" }).getByRole("listitem").filter({ hasText: ticket.reference })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(nav.getByRole("link", { name: /Breaching soon/ }).getByLabel(/at risk of or past their SLA deadline/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sort" })).toContainText("SLA");
  await desk.screenshot(page, "sla-badges-list");

  await page
    .getByRole("list", { name: "Tickets in Breaching soon" })
    .getByRole("link", { name: new RegExp(ticket.reference) })
    .click();
  const card = page.getByRole("complementary", { name: "Ticket details" }).getByRole("region", { name: "SLA" });
  await expect(card).toContainText(policy.name);
  const targets = card.getByRole("list", { name: "SLA targets" });
  await expect(targets).toContainText("First response");
  await expect(targets).toContainText(/At risk, due in|Breached, .+ overdue/);
  await expect(targets).toContainText("Resolution");
  await expect(targets).toContainText("10 h");
  // Agents are not offered what only admins may do.
  await expect(card.getByRole("button", { name: "Recompute" })).toHaveCount(0);
  await desk.screenshot(page, "sla-panel");

  await card.getByRole("button", { name: "Explain" }).click();
  const drawer = page.getByRole("dialog", { name: `How the SLA of ${ticket.reference} is counted` });
  await expect(drawer).toContainText(`timed by the policy "${policy.name}"`);
  await expect(drawer.getByRole("heading", { name: "How each deadline was set" })).toBeVisible();
  await expect(drawer).toContainText(/First response: 1 min of business time from/);
  await expect(drawer.getByRole("heading", { name: "The clock, step by step" })).toBeVisible();
  await expect(drawer).toContainText(/Counting from .+ until now/);
  await desk.screenshot(page, "sla-explain");
  await drawer.getByRole("button", { name: "Close" }).click();
  await expect(drawer).toBeHidden();
});

test("the SLA card counts a pause from the moment it begins, and keeps it once the clock resumes", async ({ page, desk }) => {
  const word = uniqueWord("pau");
  const { admin, category } = await ownPolicy(desk, word, { first_response: 240, resolution: 960 });
  const alice = await desk.api(desk.users.alice);
  const ticket = await alice.post<{ reference: string }>("/api/tickets", { subject: `Scanner offline ${word}`, description: "Filed by a browser test.", format: "text", category_id: category.id });
  await admin.updateTicket(ticket.reference, { status: "on_hold" });

  await desk.signIn(page, desk.users.admin);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  const card = page.getByRole("complementary", { name: "Ticket details" }).getByRole("region", { name: "SLA" });
  await expect(card).toContainText("Clock paused (waiting on requester).");
  await expect(card).toContainText(/Paused now since \d{1,2}:\d{2}/);
  await expect(card).not.toContainText("Never paused");

  await alice.post(`/api/tickets/${ticket.reference}/comments`, { body: "The model is SC-200.", format: "text" });
  await page.reload();
  await expect(card).not.toContainText("Clock paused");
  await expect(card).toContainText(/Paused 1 time, \d+m in all; it does not count\./);
});

test("an admin recomputes a ticket's SLA after a confirmation that shows the deadlines before and after", async ({ page, desk }) => {
  const word = uniqueWord("rcp");
  const { admin, category, policy } = await ownPolicy(desk, word, { first_response: 240, resolution: 960 });
  const alice = await desk.api(desk.users.alice);
  const ticket = await alice.post<{ reference: string }>("/api/tickets", { subject: `Printer queue stuck ${word}`, description: "Filed by a browser test.", format: "text", category_id: category.id });
  // The policy is tightened afterwards: the ticket keeps its deadlines until recomputed.
  await admin.patch(`/api/sla/policies/${policy.id}`, {
    targets: { P1: { first_response: 60, resolution: 960 }, P2: { first_response: 60, resolution: 960 }, P3: { first_response: 60, resolution: 960 }, P4: { first_response: 60, resolution: 960 } },
  });
  const before = await admin.get<{ targets: Array<{ kind: string; due_at: string }> }>(`/api/tickets/${ticket.reference}/sla`);

  await desk.signIn(page, desk.users.admin);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  const card = page.getByRole("complementary", { name: "Ticket details" }).getByRole("region", { name: "SLA" });
  await card.getByRole("button", { name: "Recompute" }).click();
  const dialog = page.getByRole("dialog", { name: `Recompute the SLA of ${ticket.reference}?` });
  const firstResponse = dialog.getByRole("table", { name: "Deadlines" }).getByRole("row", { name: /First response/ });
  await expect(firstResponse.getByRole("cell").nth(2)).not.toHaveText("…");
  const [was, will] = [await firstResponse.getByRole("cell").nth(1).innerText(), await firstResponse.getByRole("cell").nth(2).innerText()];
  expect(will).not.toBe(was);
  await expect(
    dialog
      .getByRole("table", { name: "Deadlines" })
      .getByRole("row", { name: /Resolution/ })
      .getByRole("cell")
      .nth(2),
  ).toHaveText(
    await dialog
      .getByRole("table", { name: "Deadlines" })
      .getByRole("row", { name: /Resolution/ })
      .getByRole("cell")
      .nth(1)
      .innerText(),
  );
  // Asking changed nothing yet.
  expect((await admin.get<{ targets: Array<{ due_at: string }> }>(`/api/tickets/${ticket.reference}/sla`)).targets[0].due_at).toBe(before.targets[0].due_at);
  await desk.screenshot(page, "sla-recompute");
  await dialog.getByRole("button", { name: "Recompute" }).click();
  const done = page.getByRole("dialog", { name: "SLA recomputed" });
  await expect(done).toContainText("The deadlines moved as shown.");
  await done.getByRole("button", { name: "Done" }).click();
  const after = await admin.get<{ targets: Array<{ kind: string; due_at: string; target_minutes: number }> }>(`/api/tickets/${ticket.reference}/sla`);
  expect(after.targets.find((t) => t.kind === "first_response")!.target_minutes).toBe(60);
  // The audit says so in the ticket's timeline.
  await expect(page.getByText(/recomputed the SLA under “Policy .+”: first response/)).toBeVisible();
});

test("a requester reads when to expect a reply, and never the internal SLA details", async ({ page, desk }) => {
  const word = uniqueWord("req");
  const { policy, category } = await ownPolicy(desk, word, { first_response: 480, resolution: 2400 });
  const alice = await desk.api(desk.users.alice);
  const ticket = await alice.post<{ reference: string }>("/api/tickets", { subject: `Wi-Fi in room 4 ${word}`, description: "Filed by a browser test.", format: "text", category_id: category.id });
  // Without an SLA, nothing is promised.
  const plain = await alice.post<{ reference: string }>("/api/tickets", { subject: `No SLA here ${word}`, description: "Filed by a browser test.", format: "text" });

  await desk.signIn(page, desk.users.alice);
  await page.goto(`/requests/${ticket.reference}`);
  const promise = page.getByRole("region", { name: "When to expect an answer" });
  await expect(promise).toContainText("We aim to reply by");
  await expect(promise).toContainText("We aim to resolve this by");
  await desk.screenshot(page, "sla-portal");
  const text = (await page.locator("body").innerText()).toLowerCase();
  expect(text).not.toContain(policy.name.toLowerCase());
  expect(text).not.toMatch(/\bsla\b|breach|business time|first response|escalat/);
  const api = await alice.get<Record<string, unknown>>(`/api/tickets/${ticket.reference}/sla`);
  expect(api.audience).toBe("requester");
  expect(JSON.stringify(api)).not.toContain(policy.name);
  expect(Object.keys(api).sort()).toEqual(["audience", "first_response", "resolution", "ticket_id"]);

  await page.goto(`/requests/${plain.reference}`);
  await expect(page.getByRole("heading", { name: `No SLA here ${word}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "When to expect an answer" })).toHaveCount(0);
});

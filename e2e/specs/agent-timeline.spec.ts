/**
 * The ticket timeline keeps the conversation first: the events between two messages are one
 * collapsed line per burst that names what is in it and opens to the lines; "Conversation"
 * hides them and is remembered; the counts name replies and notes apart.
 */
import { expect as baseExpect, test, type Desk } from "../support/fixtures.ts";
import { uniqueWord, WIDE } from "../support/agent.ts";

const expect = baseExpect.configure({ timeout: 15_000 });
test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

const targets = (firstResponse: number, resolution: number) => ({ first_response: firstResponse, resolution });

/**
 * A ticket in a category of its own, timed by a policy of its own (no escalations, so nobody is
 * notified), with replies, a note, and a burst of changes and SLA events between two messages.
 * Every SLA event here follows from an API call at once: none waits for a timer.
 */
async function ticketWithBurst(desk: Desk, word: string) {
  const admin = await desk.api(desk.users.admin);
  const categories = await admin.get<Array<{ id: number; path: string }>>("/api/categories");
  const teams = await admin.get<Array<{ id: number; name: string }>>("/api/teams");
  const category = await admin.post<{ id: number }>("/api/categories", {
    name: `Timeline ${word}`,
    parent_id: categories.find((c) => c.path === "Network and VPN")!.id,
    default_team_id: teams.find((t) => t.name === "Service Desk")!.id,
  });
  const calendars = await admin.get<Array<{ id: number; is_default: boolean }>>("/api/sla/calendars");
  // Each priority has its own targets, so a priority change changes the SLA's terms.
  await admin.post("/api/sla/policies", {
    name: `Timeline policy ${word}`,
    calendar_id: calendars.find((c) => c.is_default)!.id,
    conditions: { category_ids: [category.id] },
    targets: { P1: targets(30, 240), P2: targets(60, 480), P3: targets(240, 960), P4: targets(480, 2400) },
    escalations: [],
  });
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const ticket = await alice.post<{ reference: string }>("/api/tickets", {
    subject: `VPN drops at noon ${word}`,
    description: "It drops every day at noon.",
    format: "text",
    category_id: category.id,
  });
  const say = (who: typeof sam, body: string, internal = false) => who.post(`/api/tickets/${ticket.reference}/comments`, { body, format: "text", ...(who === sam ? { internal } : {}) });
  await say(sam, "Which VPN client version do you have?");
  await say(alice, "Version 5.2, on Windows.");
  // The burst: three changes by Sam, then the SLA follows the new priority and is recomputed.
  await sam.updateTicket(ticket.reference, { status: "in_progress" });
  await sam.updateTicket(ticket.reference, { priority: "P2" });
  await sam.updateTicket(ticket.reference, { assignee_id: desk.users.sam.id });
  await admin.post(`/api/tickets/${ticket.reference}/sla/recompute`);
  await say(sam, "5.2 has a known keep-alive bug; asking the network team.", true);
  await say(sam, "Please update to 5.3 and tell me if it still drops.");
  return ticket;
}

test("events between messages fold into one line per burst, Conversation hides them and is remembered, counts name replies and notes", async ({ page, desk }) => {
  const word = uniqueWord("tl");
  const ticket = await ticketWithBurst(desk, word);
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  const conversation = page.getByRole("region", { name: "Conversation" });
  const messages = conversation.getByRole("listitem", { name: "Message" });
  await expect(messages.filter({ hasText: "Please update to 5.3" })).toBeVisible();
  await expect(messages).toHaveCount(4);
  await expect(conversation.getByRole("listitem", { name: "Internal note" })).toHaveCount(1);
  // Replies are the public messages after the opening request; the note is counted apart.
  await expect(conversation.getByText("3 replies · 1 note", { exact: true })).toBeVisible();

  // A lone event is still its own grey line.
  await expect(conversation.getByText(`policy “Timeline policy ${word}” applies (P3)`)).toBeVisible();

  // Two events are a burst too: Sam's reply set the status, and met the first response.
  await expect(conversation.getByRole("button", { name: /^status change · SLA first response met/ })).toHaveAttribute("aria-expanded", "false");

  // The burst between Alice's reply and Sam's note is one line that says what is in it.
  const burst = conversation.getByRole("button", { name: /^3 changes: status, priority, assignee · 2 SLA events: target change, recompute/ });
  await expect(burst).toHaveAttribute("aria-expanded", "false");
  const statusLine = conversation.getByText("changed the status from Open to In progress");
  await expect(statusLine).toBeHidden();
  await desk.screenshot(page, "agent-timeline-burst");
  await burst.click();
  await expect(burst).toHaveAttribute("aria-expanded", "true");
  await expect(statusLine).toBeVisible();
  await expect(conversation.getByText("set the priority to P2 (was P3)")).toBeVisible();
  await expect(conversation.getByText(`${desk.users.sam.name} took it`, { exact: true })).toBeVisible();
  await expect(conversation.getByText(/recomputed the SLA under “Timeline policy/)).toBeVisible();
  await desk.screenshot(page, "agent-timeline-burst-open");
  // From the keyboard too.
  await burst.focus();
  await page.keyboard.press("Enter");
  await expect(burst).toHaveAttribute("aria-expanded", "false");
  await expect(statusLine).toBeHidden();

  // Conversation: the messages only, and this browser remembers the choice.
  await conversation.getByText("Conversation", { exact: true }).click();
  await expect(burst).toHaveCount(0);
  await expect(conversation.getByText(/policy “Timeline policy/)).toHaveCount(0);
  await expect(messages).toHaveCount(4);
  await page.reload();
  await expect(messages.filter({ hasText: "Please update to 5.3" })).toBeVisible();
  await expect(conversation.getByRole("radio", { name: "Conversation" })).toBeChecked();
  await expect(burst).toHaveCount(0);
  await expect(conversation.getByText("3 replies · 1 note", { exact: true })).toBeVisible();
  await page.setViewportSize({ width: 375, height: 812 });
  await conversation.getByText("Conversation", { exact: true }).scrollIntoViewIfNeeded();
  await desk.screenshot(page, "agent-timeline-conversation-phone");

  await conversation.getByText("Everything", { exact: true }).click();
  await expect(burst).toHaveAttribute("aria-expanded", "false");
  await burst.scrollIntoViewIfNeeded();
  await desk.screenshot(page, "agent-timeline-burst-phone");
  await page.setViewportSize(WIDE);

  // Changes made while the ticket is open are news: their burst arrives open.
  const sam = await desk.api(desk.users.sam);
  await sam.updateTicket(ticket.reference, { status: "on_hold" });
  await sam.updateTicket(ticket.reference, { priority: "P1" });
  const fresh = conversation.getByRole("button", { name: /^2 changes: status, priority · SLA target change/ });
  await expect(fresh).toHaveAttribute("aria-expanded", "true");
  await expect(conversation.getByText("set the priority to P1 (was P2)")).toBeVisible();
});

test("a long history still folds its middle into earlier items", async ({ page, desk }) => {
  const word = uniqueWord("tlf");
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const ticket = await alice.post<{ reference: string }>("/api/tickets", { subject: `Long thread ${word}`, description: "It started on Monday.", format: "text" });
  for (let i = 1; i <= 14; i++) await (i % 2 ? sam : alice).post(`/api/tickets/${ticket.reference}/comments`, { body: `Message number ${i}.`, format: "text" });

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  const conversation = page.getByRole("region", { name: "Conversation" });
  await expect(conversation.getByText("14 replies", { exact: true })).toBeVisible();
  await expect(conversation.getByText("Message number 14.")).toBeVisible();
  await expect(conversation.getByText("It started on Monday.")).toBeVisible();
  await expect(conversation.getByText("Message number 2.", { exact: true })).toHaveCount(0);
  await conversation.getByRole("button", { name: /^\d+ earlier items$/ }).click();
  await expect(conversation.getByText("Message number 2.", { exact: true })).toBeVisible();
});

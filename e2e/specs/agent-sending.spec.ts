/**
 * Sending from the composer as an agent working through a view: send and open the next ticket
 * (from the menu beside Send, or by default once chosen), Ctrl+Shift+Enter to send and resolve
 * with the same undo window as a send, a root cause asked inline only where the type needs one,
 * a confirmation before note text becomes a public reply, and the SLA badge in the header.
 * The tickets have a category and an SLA policy of their own, so no other test's view changes.
 */
import { expect as baseExpect, test, type Desk, type Page } from "../support/fixtures.ts";
import { timedCategory, uniqueWord, WIDE, type TicketOut } from "../support/agent.ts";
import type { ApiSession } from "../support/api.ts";

const expect = baseExpect.configure({ timeout: 15_000 });
test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

/** Requests from Alice, in the order given, in a category timed by an SLA policy of its own. */
async function fileTimed(desk: Desk, word: string, subjects: string[], type = "service_request"): Promise<{ tickets: TicketOut[]; alice: ApiSession; sam: ApiSession }> {
  const admin = await desk.api(desk.users.admin);
  const category = { id: await timedCategory(admin, `Sending ${word}`, { first_response: 240, resolution: 960 }) };
  const alice = await desk.api(desk.users.alice);
  const tickets: TicketOut[] = [];
  for (const s of subjects)
    tickets.push(await alice.post<TicketOut>("/api/tickets", { subject: `${s} ${word}`, description: "Filed by the sending tests.", format: "text", category_id: category.id, type }));
  return { tickets, alice, sam: await desk.api(desk.users.sam) };
}

/** The view "All open" narrowed to this test's tickets, oldest first, so "next" is known. */
const viewOf = (word: string) => `/agent/views/open?q=${word}&sort=number`;

async function openFirst(page: Page, word: string, reference: string) {
  await page.goto(viewOf(word));
  await page
    .getByRole("list", { name: "Tickets in All open" })
    .getByRole("link", { name: new RegExp(reference) })
    .click();
  await expect(page).toHaveURL(new RegExp(`/agent/views/open/${reference}\\?`));
}

const commentsOf = async (api: ApiSession, reference: string) => JSON.stringify(await api.get(`/api/tickets/${reference}/comments`));

test("send and next opens the next ticket of the view, the setting makes Ctrl+Enter do it, and the header shows the SLA badge", async ({ page, desk }) => {
  const word = uniqueWord("next");
  const { tickets, sam } = await fileTimed(desk, word, ["VPN drops at noon", "VPN slow from home", "VPN asks for a token twice"]);
  const [a, b, c] = tickets;
  await desk.signIn(page, desk.users.sam);
  await openFirst(page, word, a.reference);

  // The header of the conversation carries the SLA countdown, first response due next.
  const header = page.getByRole("region", { name: new RegExp(a.reference) }).locator("header");
  await expect(header.getByRole("img", { name: /^SLA: First response due/ })).toBeVisible();
  await expect(header.getByRole("img", { name: /^SLA:/ })).toContainText("FRT");
  await desk.screenshot(page, "agent-sending-header");

  // From the menu beside Send: send, then the next ticket in the view's order.
  await page.getByRole("textbox", { name: "Reply to Alice Martin" }).fill("Which VPN client version do you use?");
  await page.getByRole("button", { name: "More ways to send" }).click();
  await expect(page.getByRole("menuitemcheckbox", { name: /Open the next ticket after sending/ })).toHaveAttribute("aria-checked", "false");
  await desk.screenshot(page, "agent-sending-menu");
  await page.getByRole("menuitem", { name: "Send and open the next ticket" }).click();
  await expect(page.getByText("Sending to Alice Martin, then the next ticket in 5 s…")).toBeVisible();
  await page.getByRole("button", { name: "Send now" }).click();
  await expect(page).toHaveURL(new RegExp(`/agent/views/open/${b.reference}\\?`));
  await expect(page.getByRole("heading", { name: b.subject })).toBeVisible();
  await expect.poll(() => commentsOf(sam, a.reference)).toContain("Which VPN client version do you use?");
  const paneB = page.getByRole("region", { name: new RegExp(b.reference) });

  // The setting: Send and Ctrl+Enter open the next ticket from now on.
  await page.getByRole("button", { name: "More ways to send" }).click();
  await page.getByRole("menuitemcheckbox", { name: /Open the next ticket after sending/ }).click();
  await expect(page.getByRole("menuitemcheckbox", { name: /Open the next ticket after sending/ })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Send to Alice & next" })).toBeVisible();
  const replyB = paneB.getByRole("textbox", { name: "Reply to Alice Martin" });
  await replyB.fill("Please restart the router and tell us if it helps.");
  await replyB.press("Control+Enter");
  await page.getByRole("button", { name: "Send now" }).click();
  await expect(page).toHaveURL(new RegExp(`/agent/views/open/${c.reference}\\?`));
  await expect(page.getByRole("heading", { name: c.subject })).toBeVisible();
  await expect.poll(() => commentsOf(sam, b.reference)).toContain("Please restart the router");

  // The choice is kept: after a reload it still holds. At the end of the view the agent stays.
  await page.reload();
  await expect(page.getByRole("button", { name: "Send to Alice & next" })).toBeVisible();
  const replyC = page.getByRole("textbox", { name: "Reply to Alice Martin" });
  await replyC.fill("A new token is on its way.");
  await replyC.press("Control+Enter");
  await page.getByRole("button", { name: "Send now" }).click();
  await expect(page.getByText(`No next ticket in this view; ${c.reference} stays open.`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/agent/views/open/${c.reference}\\?`));
  await expect(page.getByRole("listitem", { name: "Message" }).filter({ hasText: "A new token is on its way." })).toBeVisible();
});

test("Ctrl+Shift+Enter resolves after the undo window, Undo leaves it open with nothing sent, and a root cause is asked inline", async ({ page, desk }) => {
  const word = uniqueWord("res");
  // The agent works from the middle of the view: the one before stays, the one after comes next.
  const { tickets, sam } = await fileTimed(desk, word, ["Printer toner is low", "Printer jams on tray 2", "Printer offline for the whole floor"]);
  const a = tickets[1];
  // The last is an incident (its reference changes with its type): no resolve without a root cause.
  const b = await sam.updateTicket<TicketOut>(tickets[2].reference, { type: "incident" });
  await desk.signIn(page, desk.users.sam);
  await openFirst(page, word, a.reference);
  await page.clock.install();

  const reply = "Tray 2 had a torn label inside; removed it, it feeds cleanly now.";
  const box = page.getByRole("textbox", { name: "Reply to Alice Martin" });
  await box.fill(reply);
  await box.press("Control+Shift+Enter");
  await expect(page.getByText("Sending to Alice Martin and resolving in 5 s…")).toBeVisible();
  await expect(box).toHaveValue("");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(box).toHaveValue(reply);
  // Past the window: nothing was sent and the status is what it was.
  await page.clock.runFor(6_000);
  await expect(page.getByText("Sending to Alice Martin and resolving in 5 s…")).toBeHidden();
  const afterUndo = await sam.get<{ status: { category: string } }>(`/api/tickets/${a.reference}`);
  expect(afterUndo.status.category).not.toBe("resolved");
  expect(await commentsOf(sam, a.reference)).not.toContain("torn label");
  await expect(
    page
      .getByRole("region", { name: new RegExp(a.reference) })
      .locator("header")
      .getByRole("button", { name: "Resolve" }),
  ).toBeVisible();

  // Again, and the window runs out: the reply is posted, the ticket resolved with it as the
  // resolution note, and the next ticket opens (the resolved one has left the list by then).
  await box.press("Control+Shift+Enter");
  await expect(page.getByText("Sending to Alice Martin and resolving in 5 s…")).toBeVisible();
  await page.clock.runFor(6_000);
  await expect
    .poll(async () => {
      const t = await sam.get<{ status: { category: string }; resolution_note: string | null }>(`/api/tickets/${a.reference}`);
      return `${t.status.category}: ${t.resolution_note}`;
    })
    .toBe(`resolved: ${reply}`);
  expect(await commentsOf(sam, a.reference)).toContain("torn label");
  await expect(page).toHaveURL(new RegExp(`/agent/views/open/${b.reference}\\?`));

  // An incident: the resolve waits, inline, for the root cause; nothing is sent meanwhile.
  const paneB = page.getByRole("region", { name: new RegExp(b.reference) });
  await expect(paneB.getByRole("heading", { name: b.subject })).toBeVisible();
  const replyB = paneB.getByRole("textbox", { name: "Reply to Alice Martin" });
  await replyB.fill("The print server is back; jobs print again.");
  await replyB.press("Control+Shift+Enter");
  const ask = page.getByRole("group", { name: `To resolve ${b.reference}` });
  const cause = ask.getByRole("textbox", { name: "Root cause" });
  await expect(cause).toBeFocused();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByText(/resolving in 5 s/)).toHaveCount(0);
  await expect(replyB).toHaveValue("The print server is back; jobs print again.");
  await expect(ask.getByRole("button", { name: "Send and resolve" })).toBeDisabled();
  await desk.screenshot(page, "agent-sending-root-cause");
  await cause.fill("The print spooler ran out of disk space.");
  await cause.press("Control+Shift+Enter");
  await expect(page.getByText("Sending to Alice Martin and resolving in 5 s…")).toBeVisible();
  await page.clock.runFor(6_000);
  await expect
    .poll(async () => {
      const t = await sam.get<{ status: { category: string }; root_cause: string | null }>(`/api/tickets/${b.reference}`);
      return `${t.status.category}: ${t.root_cause}`;
    })
    .toBe("resolved: The print spooler ran out of disk space.");
  // The last ticket of the view: the agent stays on it and is told so.
  await expect(page.getByText(`No next ticket in this view; ${b.reference} stays open.`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/agent/views/open/${b.reference}\\?`));
});

test("note text becomes a public reply only when the agent confirms", async ({ page, desk }) => {
  const word = uniqueWord("vis");
  const { tickets } = await fileTimed(desk, word, ["Wi-Fi drops in meeting room 3"]);
  const [a] = tickets;
  await desk.signIn(page, desk.users.sam);
  await openFirst(page, word, a.reference);

  const text = "Facilities say the access point in room 3 is due for replacement.";
  await page.getByRole("tab", { name: "Internal note" }).click();
  await page.getByRole("combobox", { name: "Internal note" }).fill(text);

  // Cancel keeps it a note.
  await page.getByRole("tab", { name: `Reply to ${desk.users.alice.email}` }).click();
  const confirm = page.getByRole("alertdialog", { name: "Move this note text to a public reply?" });
  await expect(confirm).toBeVisible();
  await desk.screenshot(page, "agent-sending-confirm-public");
  await confirm.getByRole("button", { name: "Keep as note" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("tab", { name: "Internal note" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("combobox", { name: "Internal note" })).toHaveValue(text);

  // Ctrl+Shift+J asks too; confirming moves the text into the reply.
  await page.getByRole("combobox", { name: "Internal note" }).press("Control+Shift+J");
  await confirm.getByRole("button", { name: "Move to reply" }).click();
  await expect(page.getByRole("tab", { name: `Reply to ${desk.users.alice.email}` })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("textbox", { name: "Reply to Alice Martin" })).toHaveValue(text);

  // Going from reply to note is always safe: no question.
  await page.getByRole("tab", { name: "Internal note" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByRole("combobox", { name: "Internal note" })).toHaveValue(text);
});

test("at 375 px the header with its SLA badge and the send menu fit the screen", async ({ page, desk }) => {
  const word = uniqueWord("phone");
  const { tickets } = await fileTimed(desk, word, ["Laptop will not wake from sleep", "Dock loses the second screen"]);
  await page.setViewportSize({ width: 375, height: 812 });
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/views/open/${tickets[0].reference}?q=${word}&sort=number`);
  const header = page.getByRole("region", { name: new RegExp(tickets[0].reference) }).locator("header");
  await expect(header.getByRole("img", { name: /^SLA:/ })).toBeVisible();
  await page.getByRole("textbox", { name: "Reply to Alice Martin" }).fill("Does it wake when you plug in the charger?");
  await page.getByRole("button", { name: "More ways to send" }).click();
  await expect(page.getByRole("menuitem", { name: "Send and open the next ticket" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await desk.screenshot(page, "agent-sending-phone");
});

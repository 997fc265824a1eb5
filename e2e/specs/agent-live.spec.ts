import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, uniqueWord, WIDE } from "../support/agent.ts";

// The workspace opens several panes and two browsers at once; on a busy CI machine that can
// take longer than the default wait, which is no measure of speed here.
const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

test("a new ticket shows as a '1 new' pill instead of moving the rows, and existing rows change in place", async ({ page, desk }) => {
  const word = uniqueWord("lv");
  const alice = await desk.api(desk.users.alice);
  const first = await fileRequest(alice, `Printer offline ${word}`);

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/views/open?q=${word}`);
  const list = page.getByRole("list", { name: "Tickets in All open" });
  await expect(list.getByRole("link")).toHaveCount(1);
  await expect(page.getByText("Live updates on")).toBeVisible();

  const second = await fileRequest(alice, `Printer out of toner ${word}`);
  const pill = page.getByRole("button", { name: "1 new" });
  await expect(pill).toBeVisible();
  await expect(list.getByRole("link")).toHaveCount(1);

  // Another agent changes the first ticket: its row changes where it is.
  const ada = await desk.api(desk.users.admin);
  await ada.patch(`/api/tickets/${first.reference}`, { version: first.version, status: "in_progress" });
  await expect(list.getByRole("link", { name: new RegExp(first.reference) })).toContainText("In progress");
  await desk.screenshot(page, "agent-new-pill");

  await pill.click();
  await expect(list.getByRole("link")).toHaveCount(2);
  await expect(list.getByRole("link", { name: new RegExp(second.reference) })).toBeVisible();
  await expect(pill).toBeHidden();
});

test("the bell counts new notifications live, links to the ticket and marks them read", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `Monitor flickers at noon ${uniqueWord("nt")}`);
  await desk.signIn(page, desk.users.sam);
  await page.goto("/agent/views/mine");
  await expect(page.getByRole("heading", { level: 1, name: "My open tickets" })).toBeVisible();
  await expect(page.getByText("Live updates on")).toBeVisible();
  const bell = page.getByRole("button", { name: /^Notifications/ });
  // Something unread to begin with (another ticket given to Sam), cleared with "Mark all read";
  // Escape still closes the panel after the button it was pressed on turns disabled.
  const ada = await desk.api(desk.users.admin);
  const earlier = await fileRequest(alice, `Earlier request ${uniqueWord("nt")}`);
  await ada.patch(`/api/tickets/${earlier.reference}`, { version: earlier.version, assignee_id: desk.users.sam.id });
  await expect(bell).toHaveAccessibleName(/Notifications, \d+ unread/);
  await bell.click();
  const markAll = page.getByRole("button", { name: "Mark all read" });
  await markAll.click();
  await expect(markAll).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Notifications" })).toBeHidden();
  await expect(bell).toHaveAccessibleName("Notifications");

  // Ada assigns the ticket to Sam and mentions him in a note.
  await ada.patch(`/api/tickets/${ticket.reference}`, { version: ticket.version, assignee_id: desk.users.sam.id });
  await ada.post(`/api/tickets/${ticket.reference}/comments`, { body: `<p><span data-mention-id="${desk.users.sam.id}">@Sam Rivera</span> can you look at this today?</p>`, internal: true });
  await expect(bell).toHaveAccessibleName("Notifications, 2 unread");
  await expect(page.getByText("You were mentioned")).toBeVisible();
  // The assignment also puts it in My open tickets.
  await expect(page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: /My open tickets/ })).toContainText(/[1-9]/);

  await bell.click();
  const items = page.getByRole("dialog", { name: "Notifications" }).getByRole("link").filter({ hasText: ticket.reference });
  await expect(items.filter({ hasText: "Ada Admin mentioned you" })).toContainText(ticket.reference);
  await expect(items.filter({ hasText: "Ada Admin assigned you" })).toContainText(ticket.reference);
  await desk.screenshot(page, "agent-notifications");
  await items.filter({ hasText: "Ada Admin mentioned you" }).click();
  await expect(page.getByRole("heading", { name: ticket.subject })).toBeVisible();
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  await expect(page.getByRole("listitem", { name: "Internal note" })).toContainText("@Sam Rivera can you look at this today?");
});

test("on a phone the workspace is one pane at a time: list, then ticket with its details in a sheet", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const word = uniqueWord("mb");
  const ticket = await fileRequest(alice, `Cannot print from phone ${word}`);
  await page.setViewportSize({ width: 375, height: 780 });
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/views/open?q=${word}`);
  const row = page.getByRole("list", { name: "Tickets in All open" }).getByRole("link", { name: new RegExp(word) });
  await expect(row).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Views" })).toBeHidden();
  await desk.screenshot(page, "agent-phone-list");
  await row.click();
  await expect(page.getByRole("heading", { name: ticket.subject })).toBeVisible();
  await expect(row).toBeHidden();
  await expect(page.getByRole("textbox", { name: "Reply to Alice Martin" })).toBeVisible();
  await desk.screenshot(page, "agent-phone-ticket");
  await page.getByRole("button", { name: "Show details" }).click();
  const sheet = page.getByRole("dialog", { name: "Details" });
  await expect(sheet.getByLabel("Status", { exact: true })).toHaveValue("New");
  await desk.screenshot(page, "agent-phone-details");
});

test("when the list cannot be loaded it says so and offers to try again", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.sam);
  let failing = true;
  await page.route(/\/api\/tickets\?/, (route) =>
    failing
      ? route.fulfill({
          status: 500,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on the server. Try again in a moment." } }),
        })
      : route.fallback(),
  );
  await page.goto("/agent/views/recent");
  const alert = page.getByRole("alert").filter({ hasText: "The tickets could not be loaded" });
  await expect(alert).toBeVisible();
  await desk.screenshot(page, "agent-list-error");
  failing = false;
  await alert.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("list", { name: "Tickets in Recently updated" })).toBeVisible();
});

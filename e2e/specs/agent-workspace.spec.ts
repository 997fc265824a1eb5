import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, makePng, upload, uniqueWord, WIDE } from "../support/agent.ts";

// The workspace opens several panes and two browsers at once; on a busy CI machine that can
// take longer than the default wait, which is no measure of speed here.
const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

test("the list works from the keyboard: j/k move, x selects, the bulk bar changes and undoes, ? lists the shortcuts", async ({ page, desk }) => {
  const word = uniqueWord("kb");
  const alice = await desk.api(desk.users.alice);
  for (const s of ["Mouse double-clicks", "Keyboard misses the letter e", "Headset crackles"]) await fileRequest(alice, `${s} ${word}`);

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/views/open?q=${word}`);
  const list = page.getByRole("list", { name: "Tickets in All open" });
  const rows = list.getByRole("link");
  await expect(rows).toHaveCount(3);

  await page.keyboard.press("j");
  await expect(rows.nth(0)).toBeFocused();
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press("x");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toBeFocused();
  await page.keyboard.press("x");
  const bar = page.getByRole("toolbar", { name: "2 selected" });
  await expect(bar).toBeVisible();
  await expect(list.getByRole("checkbox", { checked: true })).toHaveCount(2);

  await bar.getByRole("button", { name: "Priority" }).click();
  await page.getByRole("menuitem", { name: "P1 · Critical" }).click();
  await expect(page.getByText("Priority P1: 2 tickets changed")).toBeVisible();
  await expect(list.getByRole("img", { name: "Priority P1 · Critical" })).toHaveCount(2);
  await desk.screenshot(page, "agent-bulk-done");
  await page.getByRole("button", { name: "Undo (2 tickets)" }).click();
  await expect(page.getByText("Undone.")).toBeVisible();
  await expect(list.getByRole("img", { name: "Priority P1 · Critical" })).toHaveCount(0);

  // Single keys are letters while typing in a field. (Filters in the address open the filter bar.)
  await expect(page.getByRole("button", { name: "Filters", exact: true })).toHaveAttribute("aria-expanded", "true");
  const search = page.getByRole("textbox", { name: "Search tickets" });
  await search.focus();
  await search.press("End");
  await page.keyboard.press("j");
  await expect(search).toHaveValue(`${word}j`);
  await expect(search).toBeFocused();
  await search.fill(word);
  await search.blur();
  await expect(page).toHaveURL(new RegExp(`q=${word}$|q=${word}&`));
  await expect(rows).toHaveCount(3);

  // Enter opens the focused ticket; Esc goes back to the list.
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("complementary", { name: "Ticket details" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/agent\/views\/open\?/);

  await page.keyboard.press("?");
  const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByText("Switch between reply and internal note")).toBeVisible();
  await desk.screenshot(page, "agent-shortcuts");
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();
});

test("an agent files a ticket for someone who phoned, found by name, and for a new person", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.sam);
  await page.goto("/agent");
  await expect(page.getByRole("heading", { level: 1, name: "My open tickets" })).toBeVisible();
  await page.keyboard.press("c");
  await expect(page.getByRole("heading", { name: "New ticket for a requester" })).toBeVisible();

  const requester = page.getByRole("textbox", { name: "Requester" });
  await requester.click();
  await requester.pressSequentially("Bob");
  await page.getByRole("option", { name: /Bob Okafor · bob@example\.test/ }).click();
  const subject = `Desk phone shows no dial tone ${uniqueWord("ph")}`;
  await page.getByRole("textbox", { name: "Subject" }).fill(subject);
  await page.getByRole("textbox", { name: "Description" }).fill("Called at 9:10; the handset is silent.");
  await page.getByRole("textbox", { name: "Category" }).click();
  await page.getByRole("option", { name: "Hardware / Monitors" }).click();
  await expect(page.getByRole("radio", { name: "Phone" })).toBeChecked();
  await desk.screenshot(page, "agent-new-ticket");
  await page.getByRole("button", { name: "Create ticket" }).click();

  await expect(page.getByRole("heading", { name: subject })).toBeVisible();
  const requesterCard = page.getByRole("region", { name: "Requester" });
  await expect(requesterCard).toContainText("Bob Okafor");
  await expect(page.getByText("Phoned in")).toBeVisible();
  await expect(page.getByText(/^Assigned to you/)).toBeVisible();

  // Someone Tessera does not know yet: added as a requester on the way.
  await page.goto("/agent/new");
  await page.getByText("A new person", { exact: true }).click();
  await expect(page.getByRole("radio", { name: "A new person" })).toBeChecked();
  const email = `${uniqueWord("nina")}@example.test`;
  await page.getByRole("textbox", { name: "Their email" }).fill(email);
  await page.getByRole("textbox", { name: "Their name" }).fill("Nina Novak");
  await page.getByRole("textbox", { name: "Subject" }).fill("Badge does not open the 3rd floor");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByRole("heading", { name: "Badge does not open the 3rd floor" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Requester" })).toContainText("Nina Novak");
  await expect(page.getByRole("region", { name: "Requester" })).toContainText(email);
});

test("filters are saved as a view shared with the team, with a live count", async ({ page, desk }) => {
  const word = uniqueWord("sv");
  const alice = await desk.api(desk.users.alice);
  await fileRequest(alice, `Projector flickers ${word}`, { urgency: "high", impact: "high" });
  await fileRequest(alice, `Projector remote lost ${word}`, { urgency: "low" });

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/views/open?q=${word}`);
  const list = page.getByRole("list", { name: "Tickets in All open" });
  await expect(list.getByRole("link")).toHaveCount(2);
  await expect(page.getByRole("search", { name: "Filter tickets" })).toBeVisible();
  await page.getByRole("textbox", { name: "Priority" }).click();
  await page.getByRole("option", { name: "P1 · Critical" }).click();
  await page.keyboard.press("Escape");
  await expect(list.getByRole("link")).toHaveCount(1);
  await expect(page).toHaveURL(/priority=P1/);

  await page.getByRole("button", { name: "Save as view" }).click();
  const dialog = page.getByRole("dialog", { name: "Save view" });
  await dialog.getByRole("textbox", { name: "Name" }).fill(`Critical projectors ${word}`);
  await dialog.getByRole("textbox", { name: "Who sees it" }).click();
  await page.getByRole("option", { name: "Everyone in Service Desk" }).click();
  await desk.screenshot(page, "agent-save-view");
  await dialog.getByRole("button", { name: "Save view" }).click();

  const nav = page.getByRole("navigation", { name: "Views" });
  const link = nav.getByRole("link", { name: new RegExp(`Critical projectors ${word}`) });
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute("aria-current", "page");
  await expect(link.getByLabel("Shared with a team")).toBeVisible();
  await expect(link).toContainText("1");
  await expect(page.getByRole("list", { name: `Tickets in Critical projectors ${word}` }).getByRole("link")).toHaveCount(1);
});

test("a property change shows at once; when the server refuses it, it goes back and says why, with Retry", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `Dock does not charge ${uniqueWord("op")}`);
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  await expect(page.getByRole("heading", { name: ticket.subject })).toBeVisible();

  // The server answers only when the test has seen the page before the answer, then refuses.
  let release!: () => void;
  const answered = new Promise<void>((r) => (release = r));
  let fail = true;
  await page.route("**/api/tickets/*", async (route) => {
    if (route.request().method() === "PATCH" && fail) {
      await answered;
      return route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on the server. Try again in a moment." } }),
      });
    }
    return route.fallback();
  });
  const priority = page.getByLabel("Priority", { exact: true });
  await priority.click();
  await page.getByRole("option", { name: "P2 · High" }).click();
  // Shown before the server answers…
  await expect(priority).toHaveValue("P2 · High");
  release();
  // …and back, with the reason, once it refuses.
  await expect(page.getByText("Priority was not saved")).toBeVisible();
  await expect(priority).toHaveValue("P3 · Medium");
  await desk.screenshot(page, "agent-change-failed");
  fail = false;
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(priority).toHaveValue("P2 · High");
  await expect.poll(async () => (await alice.get(`/api/tickets/${ticket.reference}`)).priority).toBe("P2");
});

test("a change based on an old version shows what the other agent changed and can be applied again", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `Wi-Fi drops in room 4 ${uniqueWord("cf")}`);
  // Without the live stream this page keeps the version it loaded, as a tab left open would.
  await page.route("**/api/live", (route) => route.abort());
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  await expect(page.getByRole("heading", { name: ticket.subject })).toBeVisible();

  const ada = await desk.api(desk.users.admin);
  await ada.patch(`/api/tickets/${ticket.reference}`, { version: ticket.version, status: "in_progress", priority: "P1" });

  const type = page.getByLabel("Type", { exact: true });
  await type.click();
  await page.getByRole("option", { name: "Service request" }).click();
  const card = page.getByRole("alert").filter({ hasText: "changed this ticket first" });
  await expect(card).toBeVisible();
  await expect(card).toContainText("Ada Admin changed this ticket first");
  await expect(card).toContainText("Status: New → In progress");
  await expect(card).toContainText("Priority: P3 → P1");
  // Their version is what the panel shows now.
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("In progress");
  await desk.screenshot(page, "agent-conflict");
  await card.getByRole("button", { name: "Apply my change again" }).click();
  await expect(card).toBeHidden();
  await expect(type).toHaveValue("Service request");
  // Saved on top of Ada's change, not instead of it.
  await expect.poll(async () => (await ada.get(`/api/tickets/${ticket.reference}`)).type).toBe("service_request");
  expect(await ada.get(`/api/tickets/${ticket.reference}`)).toMatchObject({ priority: "P1", status: { key: "in_progress" } });
});

test("pictures show as previews, and links, merge and split work from the ticket", async ({ page, desk }) => {
  const word = uniqueWord("lm");
  const alice = await desk.api(desk.users.alice);
  const imageId = await upload(alice, "cracked-screen.png", "image/png", makePng());
  const first = await fileRequest(alice, `Screen cracked ${word}`, { attachment_ids: [imageId] });
  const second = await fileRequest(alice, `Screen broken again ${word}`);
  const reply = await alice.post<{ id: number }>(`/api/tickets/${first.reference}/comments`, { body: "Also, my charger is missing.", format: "text" });

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${first.reference}`);
  const thumb = page.getByRole("button", { name: "Show cracked-screen.png larger" }).first();
  await expect(thumb).toBeVisible();
  await expect(thumb.getByRole("img", { name: "cracked-screen.png" })).toHaveJSProperty("naturalWidth", 240);
  await thumb.click();
  const preview = page.getByRole("dialog", { name: "cracked-screen.png" });
  await expect(preview.getByRole("img", { name: "cracked-screen.png" })).toBeVisible();
  await desk.screenshot(page, "agent-image-preview");
  await page.keyboard.press("Escape");

  // Link the second ticket as related.
  await page.getByRole("button", { name: "Link a ticket" }).click();
  const link = page.getByRole("dialog", { name: `Link ${first.reference} to another ticket` });
  await link.getByRole("textbox", { name: "Other ticket" }).fill(second.reference);
  await link.getByRole("button", { name: "Link" }).click();
  await expect(page.getByRole("region", { name: "Linked tickets" }).getByRole("link", { name: new RegExp(second.reference) })).toBeVisible();

  // Split the charger message off into its own ticket.
  await page.getByRole("listitem", { name: "Message" }).filter({ hasText: "my charger is missing" }).getByRole("button", { name: "Message options" }).click();
  await page.getByRole("menuitem", { name: "Split into a new ticket" }).click();
  const split = page.getByRole("dialog", { name: "Split into a new ticket" });
  await split.getByRole("textbox", { name: "Subject of the new ticket" }).fill(`Charger missing ${word}`);
  await split.getByRole("button", { name: "Make the new ticket" }).click();
  await expect(page.getByRole("heading", { name: `Charger missing ${word}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Linked tickets" })).toContainText(first.reference);
  expect(reply.id).toBeGreaterThan(0);

  // Merge the second ticket into the first.
  await page.goto(`/agent/tickets/${second.reference}`);
  await page.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Merge into another ticket…" }).click();
  const merge = page.getByRole("dialog", { name: `Merge ${second.reference} into another ticket` });
  await merge.getByRole("textbox", { name: "Merge into" }).fill(first.reference);
  await merge.getByRole("button", { name: "Merge and close this one" }).click();
  await expect(page.getByRole("heading", { name: first.subject })).toBeVisible();
  expect((await alice.get(`/api/tickets/${second.reference}`)).status.key).toBe("closed");
});

test("a requester who opens the agent workspace is pointed to the portal", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.bob);
  await page.goto("/agent");
  await expect(page.getByRole("heading", { name: "The agent workspace is for the support team" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the support portal" }).click();
  await expect(page.getByRole("heading", { name: "How can we help, Bob?" })).toBeVisible();
});

test("Ctrl+K lists what can be done here with its shortcut, and jumps straight to a ticket by reference", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `Docking station whines ${uniqueWord("ck")}`);
  await desk.signIn(page, desk.users.sam);
  await page.goto("/agent/views/mine");
  await expect(page.getByRole("heading", { level: 1, name: "My open tickets" })).toBeVisible();

  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  const box = palette.getByRole("combobox", { name: "Command or ticket" });
  await expect(box).toBeFocused();
  await expect(palette.getByRole("option", { name: /New ticket for a requester/ })).toContainText("c");
  await box.fill(ticket.reference);
  await expect(palette.getByRole("option", { name: `Open ticket ${ticket.reference}` })).toHaveAttribute("aria-selected", "true");
  await desk.screenshot(page, "agent-command-palette");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: ticket.subject })).toBeVisible();

  // With a ticket open, its actions are offered too, and run as their shortcut would.
  await page.keyboard.press("Control+k");
  await box.fill("take");
  await page.getByRole("option", { name: /Take it \(assign to me\)/ }).click();
  await expect(page.getByText(/^Assigned to you/)).toBeVisible();
});

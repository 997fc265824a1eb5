/**
 * Drafts live on the server per ticket and agent: what Sam types in one browser is there when he
 * opens the ticket in another; a teammate sees that he is drafting, in the list and on the
 * ticket; sending clears it everywhere.
 */
import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, openBrowserAs, uniqueWord, WIDE } from "../support/agent.ts";

// Two or three browsers at once on a busy machine: allow for slow panes, never for timers.
const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 120_000 });

test("a draft follows the agent to another browser, teammates see it, and sending clears it", async ({ page, browser, desk }) => {
  const word = uniqueWord("dr");
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `Docking station loses the screen ${word}`);
  const draftText = "Hi Alice, could you tell me the dock's firmware version?";

  // Sam writes in his first browser; it reaches the server shortly after he stops typing.
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  const box = page.getByRole("textbox", { name: "Reply to Alice Martin" });
  await box.fill(draftText);
  await expect(page.getByText("Draft saved")).toBeVisible();
  await desk.screenshot(page, "agent-draft-saved-wide");

  // Back in the list, his own row says "Draft".
  await page.goto(`/agent/views/open?q=${word}`);
  const samList = page.getByRole("list", { name: "Tickets in All open" });
  await expect(samList.getByRole("img", { name: "You have a draft" })).toBeVisible();
  await desk.screenshot(page, "agent-draft-own-list-wide");

  // The same agent on another device: the text is there.
  const laptop = await openBrowserAs(browser, desk, desk.users.sam);
  await laptop.page.goto(`/agent/tickets/${ticket.reference}`);
  await expect(laptop.page.getByRole("textbox", { name: "Reply to Alice Martin" })).toHaveValue(draftText);

  // A teammate sees who is drafting, never the text.
  const ada = await openBrowserAs(browser, desk, desk.users.admin);
  await ada.page.goto(`/agent/views/open?q=${word}`);
  const adaList = ada.page.getByRole("list", { name: "Tickets in All open" });
  await expect(adaList.getByRole("img", { name: "Sam Rivera has a draft" })).toBeVisible();
  await expect(adaList).toContainText("Sam");
  await desk.screenshot(ada.page, "agent-draft-list-wide");
  await adaList.getByRole("link").first().click();
  const notice = ada.page.getByText(/Sam Rivera has a draft reply here/);
  await expect(notice).toBeVisible();
  await expect(ada.page.getByRole("textbox", { name: "Reply to Alice Martin" })).toHaveValue("");
  await desk.screenshot(ada.page, "agent-draft-ticket-wide");

  // On a phone the marker and the notice fit too.
  const phone = await openBrowserAs(browser, desk, desk.users.admin, { width: 375, height: 812 });
  await phone.page.goto(`/agent/views/open?q=${word}`);
  await expect(phone.page.getByRole("img", { name: "Sam Rivera has a draft" })).toBeVisible();
  await desk.screenshot(phone.page, "agent-draft-list-phone");
  await phone.page.goto(`/agent/tickets/${ticket.reference}`);
  await expect(phone.page.getByText(/Sam Rivera has a draft reply here/)).toBeVisible();
  await desk.screenshot(phone.page, "agent-draft-ticket-phone");
  await phone.close();

  // Sam sends from the second browser: the reply is posted and the draft is gone everywhere.
  await laptop.page.getByRole("button", { name: "Send to Alice", exact: true }).click();
  await laptop.page.getByRole("button", { name: "Send now" }).click();
  await expect(laptop.page.getByRole("listitem", { name: "Message" }).filter({ hasText: "could you tell me the dock's firmware version?" })).toBeVisible();
  const samApi = await desk.api(desk.users.sam);
  await expect.poll(() => samApi.get(`/api/tickets/${ticket.reference}/draft`)).toBeNull();
  await laptop.close();

  await ada.page.goto(`/agent/views/open?q=${word}`);
  await expect(adaList.getByRole("link")).toHaveCount(1);
  await expect(adaList.getByRole("img", { name: /has a draft/ })).toHaveCount(0);
  await page.reload();
  await expect(samList.getByRole("link")).toHaveCount(1);
  await expect(samList.getByRole("img", { name: /draft/ })).toHaveCount(0);
  await ada.close();
});

test("a draft the server cannot take is kept in the browser, retried, and survives a reload", async ({ page, desk }) => {
  const word = uniqueWord("dr");
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `Headset crackles ${word}`);
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);

  // The server refuses every save for now.
  const failSaves = (route: import("@playwright/test").Route) => (route.request().method() === "PUT" ? route.fulfill({ status: 503, body: "" }) : route.fallback());
  await page.route("**/api/tickets/*/draft", failSaves);
  const box = page.getByRole("textbox", { name: "Reply to Alice Martin" });
  await box.fill("Which headset model is it?");
  await expect(page.getByText("Not saved — retrying")).toBeVisible();
  await desk.screenshot(page, "agent-draft-retrying-wide");

  // A reload while the server is still refusing: the text is still there, from this browser.
  await page.reload();
  await expect(box).toHaveValue("Which headset model is it?");

  // The server is back: the retry lands, and another device would now find it.
  await page.unroute("**/api/tickets/*/draft", failSaves);
  await expect(page.getByText("Draft saved")).toBeVisible();
  const samApi = await desk.api(desk.users.sam);
  await expect.poll(async () => (await samApi.get(`/api/tickets/${ticket.reference}/draft`))?.body).toBe("Which headset model is it?");
});

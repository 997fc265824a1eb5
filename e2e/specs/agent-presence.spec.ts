import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, openBrowserAs, uniqueWord, WIDE } from "../support/agent.ts";

// The workspace opens several panes and two browsers at once; on a busy CI machine that can
// take longer than the default wait, which is no measure of speed here.
const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

test("two agents on the same ticket see each other, and see when the other is typing", async ({ page, browser, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, `VPN drops every hour ${uniqueWord("pr")}`);

  // Sam in this browser, Ada (an admin) in another.
  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ticket.reference}`);
  await expect(page.getByRole("heading", { name: ticket.subject })).toBeVisible();
  const ada = await openBrowserAs(browser, desk, desk.users.admin);
  await ada.page.goto(`/agent/tickets/${ticket.reference}`);
  await expect(ada.page.getByRole("heading", { name: ticket.subject })).toBeVisible();

  const samSees = page.getByRole("status", { name: "Other agents on this ticket" });
  const adaSees = ada.page.getByRole("status", { name: "Other agents on this ticket" });
  await expect(samSees).toContainText("Ada Admin is viewing");
  await expect(adaSees).toContainText("Sam Rivera is viewing");

  // Sam starts a reply: Ada sees that he is typing (sent on his first key; the wait allows for a busy machine).
  await page.getByRole("textbox", { name: "Reply to Alice Martin" }).pressSequentially("Could you try the other");
  await expect(adaSees).toContainText("Sam Rivera is typing", { timeout: 5_000 });
  await desk.screenshot(ada.page, "agent-presence-typing");

  // The list shows it too: an eye on the row Sam has open, a pen while he types.
  await ada.page.goto(`/agent/views/open?q=${encodeURIComponent(ticket.subject.split(" ").pop()!)}`);
  const adaList = ada.page.getByRole("list", { name: "Tickets in All open" });
  await expect(adaList.getByLabel(/Another agent is (viewing|typing)/)).toBeVisible();
  await page.getByRole("textbox", { name: "Reply to Alice Martin" }).pressSequentially(" printer");
  await expect(adaList.getByLabel("Another agent is typing")).toBeVisible({ timeout: 5_000 });

  // Ada replies through the API while Sam is still writing: Sam's send stops to show it first.
  const adaApi = await desk.api(desk.users.admin);
  await adaApi.post(`/api/tickets/${ticket.reference}/comments`, { body: "Please restart the VPN client first.", format: "text" });
  await expect(page.getByText("Please restart the VPN client first.")).toBeVisible();
  await page.getByRole("button", { name: "Send to Alice" }).click();
  const cop = page.getByRole("alert").filter({ hasText: "New in this ticket while you were writing" });
  await expect(cop).toContainText("Ada Admin replied: Please restart the VPN client first.");
  await desk.screenshot(page, "agent-reply-collision");
  await cop.getByRole("button", { name: "Send anyway" }).click();
  await expect(cop).toBeHidden();
  await page.getByRole("button", { name: "Send now" }).click();
  await expect(page.getByRole("listitem", { name: "Message" }).filter({ hasText: "Could you try the other printer" })).toBeVisible();

  // Sam leaves the ticket; Ada no longer sees him there.
  await ada.page.goto(`/agent/views/open?q=${encodeURIComponent(ticket.subject.split(" ").pop()!)}`);
  await page.goto("/agent/views/mine");
  await expect(adaList.getByRole("link")).toHaveCount(1);
  await expect(adaList.getByLabel(/Another agent is/)).toHaveCount(0);
  await ada.close();
});

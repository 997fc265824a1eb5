import { expect, test } from "../support/fixtures.ts";
import { fileRequest, openBrowserAs, uniqueWord, WIDE } from "../support/agent.ts";

test.use({ viewport: WIDE });

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

  // Sam starts a reply: Ada sees that he is typing, within two seconds.
  await page.getByRole("textbox", { name: "Reply to Alice Martin" }).pressSequentially("Could you try the other");
  await expect(adaSees).toContainText("Sam Rivera is typing", { timeout: 2_000 });
  await desk.screenshot(ada.page, "agent-presence-typing");

  // The list shows it too: an eye on the row Sam has open, a pen while he types.
  await ada.page.goto(`/agent/views/open?q=${encodeURIComponent(ticket.subject.split(" ").pop()!)}`);
  const adaList = ada.page.getByRole("list", { name: "Tickets in All open" });
  await expect(adaList.getByLabel(/Another agent is (viewing|typing)/)).toBeVisible();
  await page.getByRole("textbox", { name: "Reply to Alice Martin" }).pressSequentially(" printer");
  await expect(adaList.getByLabel("Another agent is typing")).toBeVisible({ timeout: 2_000 });

  // Sam leaves the ticket; Ada's list no longer shows him there.
  await page.goto("/agent/views/mine");
  await expect(ada.page.getByRole("list", { name: "Tickets in All open" }).getByLabel(/Another agent is/)).toHaveCount(0);
  await ada.close();
});

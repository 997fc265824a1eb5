import { dropFiles, expect as baseExpect, test } from "../support/fixtures.ts";
import { openBrowserAs, uniqueWord, WIDE } from "../support/agent.ts";

// The workspace opens several panes and two browsers at once; on a busy CI machine that can
// take longer than the default wait, which is no measure of speed here.
const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

test("a request goes from the portal through the agent workspace to closed, and internal notes never reach the requester", async ({ page, browser, desk }) => {
  // The longest path in the suite (two browsers, every step, an undo window): more room than the default.
  test.setTimeout(90_000);
  const subject = `Laptop battery swells ${uniqueWord("wf")}`;
  const note = "Checked the asset register: still under warranty.";
  const reply = "A new battery is on its way; it arrives tomorrow morning.";

  // The requester submits a request with an attachment.
  await desk.signIn(page, desk.users.alice);
  await page.goto("/requests/new");
  await page.getByRole("textbox", { name: "Topic" }).click();
  await page.getByRole("option", { name: "Hardware / Laptops" }).click();
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Description").fill("The case bulges near the touchpad.");
  await dropFiles(page, page.getByRole("button", { name: "Attach files" }), [{ name: "battery.txt", mimeType: "text/plain", text: "photo to follow\n" }]);
  await expect(page.getByRole("region", { name: "Attached files" }).getByText(/^Attached/)).toBeVisible();
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  const reference = page.url().split("/").pop()!;

  // An agent finds it in Unassigned, in the list, without a reload.
  const agent = await openBrowserAs(browser, desk, desk.users.sam);
  const ap = agent.page;
  await ap.goto("/agent");
  await expect(ap.getByRole("heading", { level: 1, name: "My open tickets" })).toBeVisible();
  await ap
    .getByRole("navigation", { name: "Views" })
    .getByRole("link", { name: /Unassigned in my teams/ })
    .click();
  const list = ap.getByRole("list", { name: "Tickets in Unassigned in my teams" });
  const row = list.getByRole("link", { name: new RegExp(subject) });
  await expect(row).toBeVisible();
  await expect(row).toContainText(reference);
  await expect(row).toContainText("Alice Martin");
  await expect(row).toContainText("Unassigned");
  await desk.screenshot(ap, "agent-unassigned");

  // Takes it.
  await row.click();
  await expect(ap.getByRole("heading", { name: subject })).toBeVisible();
  await expect(ap.getByRole("link", { name: /battery\.txt/ }).first()).toBeVisible();
  await ap.getByRole("button", { name: "Take it" }).click();
  await expect(ap.getByText(/^Assigned to you/)).toBeVisible();
  await expect(ap.getByLabel("Assignee", { exact: true })).toHaveValue("Sam Rivera (me)");
  // The row changes in place; it stays where it was until the agent refreshes the list.
  await expect(row).toContainText("Sam Rivera");
  await expect(ap.getByRole("button", { name: "Take it" })).toHaveCount(0);

  // An internal note, mentioning a teammate.
  await ap.getByRole("tab", { name: "Internal note" }).click();
  const noteBox = ap.getByRole("combobox", { name: "Internal note" });
  await noteBox.fill("Checked the asset register: still under warranty. ");
  await noteBox.pressSequentially("@Ad");
  await ap.getByRole("option", { name: /Ada Admin/ }).click();
  await expect(noteBox).toHaveValue(/@Ada Admin $/);
  await desk.screenshot(ap, "agent-note-composer");
  await noteBox.fill(note);
  await ap.getByRole("button", { name: "Add internal note" }).click();
  await ap.getByRole("button", { name: "Send now" }).click();
  const sentNote = ap.getByRole("listitem", { name: "Internal note" }).filter({ hasText: note });
  await expect(sentNote).toBeVisible();
  await expect(sentNote).toContainText("Internal note — not visible to requester");
  await expect(sentNote).toHaveCSS("background-color", "rgb(255, 248, 214)");

  // The requester does not see it: not in the page, not in what the API sends them.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await expect(page.getByRole("region", { name: "Conversation" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("asset register");
  const alice = await desk.api(desk.users.alice);
  expect(JSON.stringify(await alice.get(`/api/tickets/${reference}/comments`))).not.toContain("asset register");

  // A public reply; the requester sees it.
  await ap.getByRole("tab", { name: `Reply to ${desk.users.alice.email}` }).click();
  await ap.getByRole("textbox", { name: "Reply to Alice Martin" }).fill(reply);
  await expect(ap.getByRole("button", { name: "Send to Alice" })).toBeVisible();
  // Send can be undone for a few seconds: the text comes back and nothing was posted. The page's
  // clock is moved past the undo window instead of waiting it out.
  await ap.clock.install();
  await ap.getByRole("button", { name: "Send to Alice" }).click();
  await expect(ap.getByText("Sending to Alice Martin in 5 s…")).toBeVisible();
  await expect(ap.getByRole("textbox", { name: "Reply to Alice Martin" })).toHaveValue("");
  await ap.getByRole("button", { name: "Undo" }).click();
  await expect(ap.getByRole("textbox", { name: "Reply to Alice Martin" })).toHaveValue(reply);
  await ap.clock.runFor(6_000);
  expect(JSON.stringify(await alice.get(`/api/tickets/${reference}/comments`))).not.toContain(reply);
  await ap.getByRole("button", { name: "Send to Alice" }).click();
  await ap.getByRole("button", { name: "Send now" }).click();
  await expect(ap.getByRole("listitem", { name: "Message" }).filter({ hasText: reply })).toContainText(`Public reply · sent to ${desk.users.alice.email}`);
  // After a reply the ticket waits on the requester (the composer's default).
  await expect(ap.getByLabel("Status", { exact: true })).toHaveValue("Awaiting requester");
  await page.reload();
  await expect(page.getByText(reply).first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "The support team is waiting for your reply" })).toBeVisible();

  // Resolved with a note (an incident needs a root cause too).
  await ap.getByRole("button", { name: "Resolve" }).click();
  const dialog = ap.getByRole("dialog", { name: `Resolve ${reference}` });
  await dialog.getByRole("textbox", { name: "Resolution note" }).fill("Replaced the battery; the case closes flat again.");
  await dialog.getByRole("textbox", { name: "Root cause" }).fill("A worn battery that swelled with age.");
  await desk.screenshot(ap, "agent-resolve-dialog");
  await dialog.getByRole("button", { name: "Resolve" }).click();
  await expect(dialog).toBeHidden();
  await expect(ap.getByLabel("Status", { exact: true })).toHaveValue("Resolved");
  await expect(ap.getByRole("region", { name: "Resolution" })).toContainText("Replaced the battery");

  // The requester confirms; the agent sees it closed without reloading.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Did this fix it?" })).toBeVisible();
  await page.getByRole("button", { name: "Yes, mark as solved" }).click();
  await expect(page.getByText("This request is closed.")).toBeVisible();
  await expect(ap.getByLabel("Status", { exact: true })).toHaveValue("Closed");
  await expect(ap.getByText("confirmed the resolution")).toBeVisible();
  await expect(ap.getByRole("tab", { name: `Reply to ${desk.users.alice.email}` })).toBeDisabled();
  await desk.screenshot(ap, "agent-ticket-closed");
  await agent.close();
});

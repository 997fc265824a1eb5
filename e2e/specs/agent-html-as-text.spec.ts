import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, uniqueWord, WIDE } from "../support/agent.ts";

// The workspace opens several panes and two browsers at once; on a busy CI machine that can
// take longer than the default wait, which is no measure of speed here.
const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

test("HTML and script in subjects, descriptions, replies and notes show as plain text in the agent workspace", async ({ page, desk }) => {
  const word = uniqueWord("xss");
  const subject = `<img src=x onerror=alert(1)><script>alert(2)</script> ${word}`;
  const alice = await desk.api(desk.users.alice);
  const ticket = await fileRequest(alice, subject, {
    description: `<b onmouseover=alert(3)>bold?</b> <iframe src="javascript:alert(4)"></iframe> <a href="javascript:alert(5)">click</a>`,
    format: "html",
  });
  await alice.post(`/api/tickets/${ticket.reference}/comments`, { body: `<svg onload=alert(6)></svg><p>reply ${word}</p><script>alert(7)</script>`, format: "html" });
  const sam = await desk.api(desk.users.sam);
  await sam.post(`/api/tickets/${ticket.reference}/comments`, { body: "<img src=x onerror=alert(8)> note with <u>markup</u> & ampersand", format: "text", internal: true });
  await sam.post("/api/tickets/bulk", { ids: [ticket.id], changes: { add_tags: ["xss-check"] } });

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/views/open?q=${word}`);
  const row = page.getByRole("list", { name: "Tickets in All open" }).getByRole("link", { name: new RegExp(word) });
  // The subject is text: the markup shows as typed.
  await expect(row).toContainText("<img src=x onerror=alert(1)><script>alert(2)</script>");
  await row.click();
  await expect(page.getByRole("heading", { name: subject })).toBeVisible();
  // The list row previews the newest message too; the timeline is what is checked here.
  const conversation = page.getByRole("region", { name: "Conversation" });
  await expect(conversation.getByText(`reply ${word}`)).toBeVisible();
  await expect(conversation.getByText("<img src=x onerror=alert(8)> note with <u>markup</u> & ampersand")).toBeVisible();
  await expect(conversation.getByText("bold?")).toBeVisible();
  // The row's preview of the note is text as well.
  await expect(row).toContainText("<img src=x onerror=alert(8)> note with");

  // Nothing was turned into live elements, and no script ran (the fixture fails on any dialog).
  const main = page.locator("#main");
  await expect(main.locator("img[src='x']")).toHaveCount(0);
  await expect(main.locator("iframe, svg[onload], script")).toHaveCount(0);
  await expect(main.locator("[onerror], [onmouseover], [onload]")).toHaveCount(0);
  await expect(main.locator('a[href^="javascript:"]')).toHaveCount(0);
  await desk.screenshot(page, "agent-html-as-text");
});

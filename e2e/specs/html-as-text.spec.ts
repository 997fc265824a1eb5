import { expect, test } from "../support/fixtures.ts";

const SUBJECT = `<img src=x onerror=alert(1)><script>alert("subject")</script>"><svg onload=alert(2)> & <b>bold</b>`;
const BODY = [`<script>alert("body")</script>`, `<img src=x onerror="window.__xss = 1">`, `<a href="javascript:alert(3)">click me</a>`, `<iframe src="javascript:alert(4)"></iframe>`].join("\n");

test("HTML and script typed into a request show as the literal text, and never run", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.alice);
  await page.goto("/requests/new");
  await page.getByLabel("Subject").fill(SUBJECT);
  await page.getByLabel("Description").fill(BODY);
  await expect(page.getByRole("region", { name: "Preview" }).getByText(SUBJECT, { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Submit request" }).click();

  await expect(page.getByRole("heading", { level: 1, name: SUBJECT, exact: true })).toBeVisible();
  const conversation = page.getByRole("region", { name: "Conversation" });
  for (const line of BODY.split("\n")) await expect(conversation).toContainText(line);
  await expect(conversation.locator("script, iframe, img, svg[onload], [onerror], [onload]")).toHaveCount(0);
  await desk.screenshot(page, "portal-request-html-as-text");

  await page.getByRole("navigation", { name: "Support" }).getByRole("link", { name: "My requests" }).click();
  await expect(page.getByRole("list", { name: "Open requests" }).getByText(SUBJECT, { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  // The fixture fails the test if any alert() or other dialog opened along the way.
});

test("HTML from the API and from an agent's reply is sanitised before it is shown", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const ticket = await alice.post("/api/tickets", {
    subject: "Printer prints blank pages",
    description: `<p>It started <b>today</b>.</p><script>alert("desc")</script><img src=x onerror="window.__xss = 2"><p onclick="alert(5)">Click here</p>`,
    format: "html",
    type: "service_request",
  });
  await sam.post(`/api/tickets/${ticket.reference}/comments`, {
    body: `<p>Try <a href="javascript:alert(6)">this fix</a> or <a href="https://example.com/guide">the guide</a>.</p><iframe src="https://example.com"></iframe><svg><script>alert(7)</script></svg><style>body{display:none}</style>`,
    format: "html",
  });

  await desk.signIn(page, desk.users.alice);
  await page.goto(`/requests/${ticket.reference}`);
  const conversation = page.getByRole("region", { name: "Conversation" });
  await expect(conversation.locator("b, strong").filter({ hasText: "today" })).toBeVisible();
  await expect(conversation.getByText("Click here")).toBeVisible();
  await expect(conversation.getByRole("link", { name: "the guide" })).toHaveAttribute("href", "https://example.com/guide");
  await expect(conversation.getByRole("link", { name: "the guide" })).toHaveAttribute("rel", /noopener/);
  await expect(conversation.locator("script, iframe, style, svg, [onerror], [onclick], [onload]")).toHaveCount(0);
  const hrefs = await conversation.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});

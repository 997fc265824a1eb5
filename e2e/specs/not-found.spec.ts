import { expect, test } from "../support/fixtures.ts";

test("a requester who opens another requester's request sees a not-found page", async ({ page, desk }) => {
  const bob = await desk.api(desk.users.bob);
  const ticket = await bob.post("/api/tickets", { subject: "Question about my salary slip", description: "Confidential", format: "text", type: "service_request" });

  await desk.signIn(page, desk.users.alice);
  for (const address of [`/requests/${ticket.reference}`, `/requests/${ticket.id}`]) {
    await page.goto(address);
    await expect(page.getByRole("heading", { name: "Request not found" })).toBeVisible();
    await expect(page.locator("body")).not.toContainText("salary");
  }
  await desk.screenshot(page, "portal-request-not-found");
  await page.getByRole("main").getByRole("link", { name: "My requests" }).click();
  await expect(page.getByRole("heading", { name: "My requests" })).toBeVisible();

  // Bob, whose request it is, sees it.
  await desk.signIn(page, desk.users.bob);
  await page.goto(`/requests/${ticket.reference}`);
  await expect(page.getByRole("heading", { level: 1, name: "Question about my salary slip" })).toBeVisible();
});

test("an address the app does not have shows a page-not-found page with a 404 status", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.alice);
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the support portal" }).click();
  await expect(page.getByRole("heading", { name: "How can we help, Alice?" })).toBeVisible();
});

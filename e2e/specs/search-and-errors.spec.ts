import { expect, test } from "../support/fixtures.ts";

test("typing a problem on the home page suggests topics and similar requests, and starts a request with it", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const earlier = await alice.post("/api/tickets", { subject: "Printer on the second floor jams", description: "Paper jam every morning.", format: "text", type: "service_request" });

  await desk.signIn(page, desk.users.alice);
  await page.goto("/");
  await page.getByRole("textbox", { name: "Describe your problem" }).fill("printer jams");
  await expect(page.getByRole("link", { name: "Hardware / Printers" })).toBeVisible();
  await expect(page.getByRole("link", { name: new RegExp(earlier.reference) }).first()).toBeVisible();
  await desk.screenshot(page, "portal-home-suggestions");

  await page.getByRole("link", { name: "Hardware / Printers" }).click();
  await expect(page.getByRole("heading", { name: "New request" })).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue("printer jams");
  await expect(page.getByRole("textbox", { name: "Topic" })).toHaveValue("Hardware / Printers");

  // Nothing is sent without a subject; the form says what is missing and where.
  await page.getByLabel("Subject").fill("");
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByText("Give your request a short subject")).toBeVisible();
  await expect(page.getByLabel("Subject")).toBeFocused();
  await expect(page).toHaveURL(/\/requests\/new/);
});

test("when the API fails, the page says so where it happened and can try again", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ticket = await alice.post("/api/tickets", { subject: "VPN drops every hour", description: "Since Monday.", format: "text", type: "service_request" });
  await desk.signIn(page, desk.users.alice);

  const failList = (url: URL) => url.pathname === "/api/tickets";
  await page.route(failList, (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "service_unavailable", message: "The database is not reachable right now; try again shortly." } }),
    }),
  );
  await page.goto("/requests");
  const failure = page.getByRole("alert").filter({ hasText: "Your requests could not be loaded" });
  await expect(failure).toContainText("The database is not reachable right now", { timeout: 15_000 });
  await desk.screenshot(page, "portal-list-error");
  await page.unroute(failList);
  await failure.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("list", { name: "Open requests" }).getByRole("link", { name: new RegExp(ticket.reference) })).toBeVisible();

  await page.getByRole("link", { name: new RegExp(ticket.reference) }).click();
  const failReply = (url: URL) => url.pathname === `/api/tickets/${ticket.reference}/comments`;
  await page.route(failReply, (route) =>
    route.request().method() === "POST"
      ? route.fulfill({ status: 403, contentType: "application/json", body: JSON.stringify({ error: { code: "forbidden", message: "Replies are switched off for this request." } }) })
      : route.fallback(),
  );
  const reply = page.getByRole("textbox", { name: "Your reply" });
  await reply.fill("It dropped again at 10:00.");
  await page.getByRole("button", { name: "Send reply" }).click();
  const notSent = page.getByRole("alert").filter({ hasText: "Your reply was not sent" });
  await expect(notSent).toContainText("Replies are switched off for this request.");
  await expect(reply).toHaveValue("It dropped again at 10:00.");
  await page.unroute(failReply);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.getByRole("region", { name: "Conversation" })).toContainText("It dropped again at 10:00.");
  await expect(notSent).toHaveCount(0);
});

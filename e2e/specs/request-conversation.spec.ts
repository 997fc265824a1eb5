import { expect, test } from "../support/fixtures.ts";

test("a request goes from a question to the desk, through a reopen, to closed by the requester", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const ticket = await alice.post("/api/tickets", {
    subject: "Access to the Finance shared folder",
    description: "I need read access to the Finance folder for the quarter close.",
    format: "text",
    type: "service_request",
  });
  const ref: string = ticket.reference;
  await sam.post(`/api/tickets/${ref}/comments`, { body: "Folder owner is on leave until Monday.", internal: true, format: "text" });
  await sam.post(`/api/tickets/${ref}/comments`, { body: "Which cost centre should the access be billed to?", format: "text" });
  await sam.updateTicket(ref, { status: "on_hold" });

  await desk.signIn(page, desk.users.alice);
  await page.goto(`/requests/${ref}`);
  const details = page.getByRole("region", { name: "Details" });
  const conversation = page.getByRole("region", { name: "Conversation" });
  const currentStep = page.getByRole("list", { name: "Progress of this request" }).locator('[aria-current="step"]');

  await expect(details).toContainText("Waiting for you");
  await expect(currentStep).toContainText("Waiting for you");
  const waiting = page.getByRole("region", { name: "The support team is waiting for your reply" });
  await expect(waiting).toContainText("Which cost centre should the access be billed to?");
  await expect(conversation).toContainText("Sam Rivera");
  await expect(conversation).toContainText("Support team");
  // The internal note is nowhere in the page, in any form.
  await expect(page.locator("body")).not.toContainText("on leave");
  await desk.screenshot(page, "portal-request-waiting");

  await waiting.getByRole("button", { name: "Reply now" }).click();
  await expect(page.getByRole("textbox", { name: "Your reply" })).toBeFocused();
  await page.getByRole("textbox", { name: "Your reply" }).fill("Cost centre 4410, please.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(conversation).toContainText("Cost centre 4410, please.");
  await expect(details).toContainText("Waiting for support");
  await expect(page.getByRole("textbox", { name: "Your reply" })).toHaveValue("");

  await sam.updateTicket(ref, { status: "resolved", resolution_note: "Read access granted on the Finance folder." });
  await page.reload();
  const resolved = page.getByRole("region", { name: "Did this fix it?" });
  await expect(resolved).toContainText("Read access granted on the Finance folder.");
  await expect(currentStep).toContainText("Resolved");
  await expect(page.getByRole("list", { name: "Progress of this request" }).getByRole("listitem").filter({ hasText: "Waiting for you" })).toContainText("(done)");
  await desk.screenshot(page, "portal-request-resolved");

  await resolved.getByRole("button", { name: "No, it is not fixed" }).click();
  await resolved.getByLabel("What is still wrong?").fill("I can see the folder but cannot open the files.");
  await resolved.getByRole("button", { name: "Reopen request" }).click();
  await expect(conversation).toContainText("I can see the folder but cannot open the files.");
  await expect(details).toContainText("Waiting for support");
  await expect(resolved).toHaveCount(0);

  await sam.updateTicket(ref, { status: "resolved", resolution_note: "File permissions fixed as well." });
  await page.reload();
  await page.getByRole("button", { name: "Yes, mark as solved" }).click();
  await expect(page.getByText("This request is closed.")).toBeVisible();
  await expect(currentStep).toContainText("Closed");
  await expect(details).toContainText("Closed");
  await expect(page.getByRole("textbox", { name: "Your reply" })).toHaveCount(0);
  await desk.screenshot(page, "portal-request-closed");
  expect((await sam.get(`/api/tickets/${ref}`)).status.key).toBe("closed");
});

test("a request resolved without ever waiting on the requester does not show that step as done", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const ticket = await alice.post("/api/tickets", { subject: "A second monitor", description: "I need a second monitor for my desk.", format: "text", type: "service_request" });
  await sam.updateTicket(ticket.reference, { status: "in_progress" });
  await sam.updateTicket(ticket.reference, { status: "resolved", resolution_note: "Monitor delivered." });

  await desk.signIn(page, desk.users.alice);
  await page.goto(`/requests/${ticket.reference}`);
  const steps = page.getByRole("list", { name: "Progress of this request" });
  await expect(steps.locator('[aria-current="step"]')).toContainText("Resolved");
  await expect(steps.getByRole("listitem").filter({ hasText: "In progress" })).toContainText("(done)");
  const waiting = steps.getByRole("listitem").filter({ hasText: "Waiting for you" });
  await expect(waiting).toContainText("(not needed)");
  await expect(waiting).not.toContainText("(done)");
});

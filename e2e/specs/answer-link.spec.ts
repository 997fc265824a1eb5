import { expect, test } from "../support/fixtures.ts";

test.describe.configure({ timeout: 90_000 });

/**
 * The resolution notice's links, followed by someone who is not signed in (most people who
 * write in by email have no password). The link is taken from the notice as Tessera renders it
 * for the requester (the template preview against the real ticket).
 */
test("a requester answers a resolution from the mail's link without signing in, and the link does nothing on its own", async ({ browser, desk, baseURL }) => {
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const admin = await desk.api(desk.users.admin);
  const ticket = await alice.post("/api/tickets", { subject: "Projector in room 2 shows no picture", description: "HDMI connected, nothing.", format: "text", type: "service_request" });
  const ref: string = ticket.reference;
  await sam.updateTicket(ref, { status: "resolved", resolution_note: "Replaced the HDMI switch under the table." });

  const notice = await admin.post("/api/mail/templates/resolved/preview", { ticket: ref });
  const reopenLink = new RegExp(`${baseURL}(/answer/${ref}\\?token=[0-9a-f]{64}&action=reopen)`).exec(notice.text)?.[1];
  expect(reopenLink, notice.text).toBeTruthy();

  const visitor = await browser.newContext({ baseURL });
  const page = await visitor.newPage();
  await page.goto(reopenLink!);
  await expect(page.getByRole("heading", { name: "Projector in room 2 shows no picture" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText("Replaced the HDMI switch under the table.")).toBeVisible();
  // Opening the link answered nothing: the ticket is still resolved.
  expect((await sam.get(`/api/tickets/${ref}`)).status.category).toBe("resolved");
  // The link said "not fixed", so that is the choice offered, and it needs a word on what is wrong.
  await expect(page.getByRole("radio", { name: "No, it is not fixed" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("button", { name: "Reopen my request" })).toBeDisabled();
  await desk.screenshot(page, "answer-link-question");

  // Changing one's mind is fine: it was fixed after all.
  await page.getByRole("radio", { name: "Yes, it is solved" }).click();
  await page.getByLabel("Anything to add? (optional)").fill("Works now, thank you.");
  await page.getByRole("button", { name: "Close my request" }).click();
  await expect(page.getByRole("status")).toContainText("Your request is closed");
  const after = await sam.get(`/api/tickets/${ref}`);
  expect(after.status.category).toBe("closed");
  await desk.screenshot(page, "answer-link-closed");

  // The same link later says what happened and offers no choice; a damaged link says it does not work.
  await page.reload();
  await expect(page.getByRole("status")).toContainText("This request is closed");
  await expect(page.getByRole("button", { name: "Close my request" })).toHaveCount(0);
  await page.goto(reopenLink!.replace(/token=[0-9a-f]{10}/, "token=0000000000"));
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("Projector");
  await visitor.close();
});

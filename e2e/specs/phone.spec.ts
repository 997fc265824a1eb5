import { expect, test, type Page } from "../support/fixtures.ts";
import { upload } from "../support/agent.ts";

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

async function expectNoSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
}

test("the portal fits a 375 px wide phone", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  // A long file name must be cut short, not push the card wider than the phone.
  const photo = await upload(alice, "photo-of-the-external-monitor-flickering-at-the-lisbon-office-desk-42.txt", "text/plain", Buffer.from("what the monitor does, in words"));
  const ticket = await alice.post("/api/tickets", {
    subject: "Monitor flickers when the laptop is docked at the Lisbon office",
    description: "Every few seconds the external monitor goes black for a moment.",
    format: "text",
    type: "service_request",
    attachment_ids: [photo],
  });
  await sam.post(`/api/tickets/${ticket.reference}/comments`, { body: "Could you try another cable and tell us if it still happens?", format: "text" });
  await sam.updateTicket(ticket.reference, { status: "on_hold" });

  await desk.signIn(page, desk.users.alice);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help, Alice?" })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await desk.screenshot(page, "phone-home");

  await page.getByRole("button", { name: "Open navigation" }).click();
  const menu = page.getByRole("navigation", { name: "Support menu" });
  await menu.getByRole("link", { name: "My requests" }).click();
  await expect(page.getByRole("heading", { name: "My requests" })).toBeVisible();
  await expect(menu).toHaveCount(0);
  await expectNoSidewaysScroll(page);
  await desk.screenshot(page, "phone-my-requests");

  await page.getByRole("link", { name: new RegExp(ticket.reference) }).click();
  await expect(page.getByRole("heading", { level: 1, name: ticket.subject })).toBeVisible();
  await expect(page.getByRole("region", { name: "The support team is waiting for your reply" })).toBeVisible();
  const chip = page.getByRole("link", { name: /photo-of-the-external-monitor/ });
  await expect(chip).toBeVisible();
  const chipRight = await chip.evaluate((el) => el.getBoundingClientRect().right);
  const cardRight = await page.getByRole("region", { name: "Conversation" }).evaluate((el) => el.getBoundingClientRect().right);
  expect(chipRight).toBeLessThanOrEqual(cardRight - 16);
  await expectNoSidewaysScroll(page);
  await desk.screenshot(page, "phone-request");

  await page.getByRole("button", { name: "Open navigation" }).click();
  await page.getByRole("navigation", { name: "Support menu" }).getByRole("link", { name: "New request" }).click();
  await expect(page.getByRole("heading", { name: "New request" })).toBeVisible();
  await page.getByLabel("Subject").fill("Headset microphone is very quiet in calls");
  await expect(page.getByRole("button", { name: "Attach files" })).toContainText("Tap to attach files");
  // The preview waits, folded, just above the send button.
  await page.getByRole("button", { name: "Preview what will be sent" }).click();
  await expect(page.getByRole("region", { name: "Preview" })).toContainText("Headset microphone is very quiet in calls");
  await expectNoSidewaysScroll(page);
  await desk.screenshot(page, "phone-new-request");
});

import { expect as baseExpect, test } from "../support/fixtures.ts";
import { fileRequest, uniqueWord, WIDE } from "../support/agent.ts";

const expect = baseExpect.configure({ timeout: 15_000 });

test.use({ viewport: WIDE });
test.describe.configure({ timeout: 90_000 });

test("the bell collapses repeated replies, marks one line read, and a muted ticket stays quiet", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const ada = await desk.api(desk.users.admin);
  const word = uniqueWord("bl");
  const noisy = await fileRequest(alice, `Docking station resets ${word}`);
  const other = await fileRequest(alice, `Keyboard missing keys ${word}`);
  for (const t of [noisy, other]) await ada.updateTicket(t.reference, { assignee_id: desk.users.sam.id });

  await desk.signIn(page, desk.users.sam);
  await page.goto("/agent/views/mine");
  await expect(page.getByText("Live updates on")).toBeVisible();
  const bell = page.getByRole("button", { name: /^Notifications(, \d+ unread)?$/ });
  await bell.click();
  const panel = page.getByRole("dialog", { name: "Notifications" });
  const markAll = panel.getByRole("button", { name: "Mark all read" });
  await expect(panel).toBeVisible();
  if (await markAll.isEnabled()) await markAll.click();
  await expect(bell).toHaveAccessibleName("Notifications");
  await bell.click();
  await expect(panel).toBeHidden();

  // Three replies on one ticket, one on another: two lines, two unread.
  for (const text of ["It reset again.", "And again just now.", "Third time this hour."]) await alice.post(`/api/tickets/${noisy.reference}/comments`, { body: text, format: "text" });
  await alice.post(`/api/tickets/${other.reference}/comments`, { body: "The E key is gone too.", format: "text" });
  await expect(bell).toHaveAccessibleName("Notifications, 2 unread");
  // Their live toasts come as one that counts them, with the latest, not as a column of four.
  const toasts = page.getByRole("alert");
  await expect(toasts.filter({ hasText: "4 new notifications" })).toContainText(`Latest: The requester replied, ${other.reference}`);
  await expect(toasts).toHaveCount(1);

  await bell.click();
  const collapsed = panel.getByRole("link").filter({ hasText: `3 replies from Alice Martin on ${noisy.reference}` });
  await expect(collapsed).toHaveCount(1);
  await expect(panel.getByRole("link").filter({ hasText: `Alice Martin replied on ${other.reference}` })).toHaveCount(1);
  await desk.screenshot(page, "notification-bell-wide");

  // Marked read from beside it, without opening the ticket.
  await panel.getByRole("button", { name: `Mark read: 3 replies from Alice Martin on ${noisy.reference}` }).click();
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  await expect(panel.getByRole("button", { name: new RegExp(`^Mark read: .*${noisy.reference}`) })).toHaveCount(0);
  await expect(page).toHaveURL(/\/agent\/views\/mine/);

  // Mute the noisy ticket for an hour; the bell says so and offers Unmute.
  const noisyLine = panel.getByRole("listitem").filter({ hasText: `3 replies from Alice Martin on ${noisy.reference}` });
  await noisyLine.getByRole("button", { name: `Mute notifications of ${noisy.reference}` }).click();
  await panel.getByRole("menuitem", { name: "For 1 hour" }).click();
  const mutes = panel.getByRole("region", { name: "Muted tickets" });
  await expect(mutes).toContainText(noisy.reference);
  await expect(mutes.getByRole("button", { name: `Unmute ${noisy.reference}` })).toBeVisible();

  // A reply on the muted ticket adds nothing; one on the other ticket, sent after it, does.
  await alice.post(`/api/tickets/${noisy.reference}/comments`, { body: "Fourth reset.", format: "text" });
  await alice.post(`/api/tickets/${other.reference}/comments`, { body: "And the R key.", format: "text" });
  await expect(panel.getByRole("link").filter({ hasText: `2 replies from Alice Martin on ${other.reference}` })).toHaveCount(1);
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  await expect(
    panel
      .getByRole("link")
      .filter({ hasText: noisy.reference })
      .filter({ hasText: /replied|replies/ }),
  ).toHaveCount(1);
  await expect(panel.getByRole("link").filter({ hasText: `Alice Martin replied on ${noisy.reference}` })).toHaveCount(0);

  await page.setViewportSize({ width: 375, height: 780 });
  await expect(panel).toBeVisible();
  // The live toasts of the replies above cover the bell on a phone until they close by themselves.
  await expect(page.getByRole("alert")).toHaveCount(0, { timeout: 20_000 });
  await desk.screenshot(page, "notification-bell-phone");
  await page.setViewportSize(WIDE);

  await mutes.getByRole("button", { name: `Unmute ${noisy.reference}` }).click();
  await expect(panel.getByRole("region", { name: "Muted tickets" })).toBeHidden();
  await alice.post(`/api/tickets/${noisy.reference}/comments`, { body: "Fifth reset.", format: "text" });
  await expect(panel.getByRole("link").filter({ hasText: `Alice Martin replied on ${noisy.reference}` })).toHaveCount(1);
});

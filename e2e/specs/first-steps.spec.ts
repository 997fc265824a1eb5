/** The first admin's first steps in the agent workspace, shown once after the setup link. */
import { expect, test } from "../support/fixtures.ts";

test("the admin who finished the setup link lands in the agent workspace with first steps, until they close them", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.admin);
  // Where the setup page sends the new admin.
  await page.goto("/agent?welcome");
  await expect(page).toHaveURL(/\/agent\/views\/mine$/);
  const steps = page.getByRole("region", { name: "First steps" });
  await expect(steps.getByRole("link", { name: "Invite your agents" })).toHaveAttribute("href", "/admin/users");
  await expect(steps.getByRole("link", { name: "Add a mailbox for email" })).toHaveAttribute("href", "/admin/mailboxes");
  await steps.getByRole("link", { name: "Set your business hours" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Business hours" })).toBeVisible();

  // Still there on the next visit to the workspace, until dismissed; then gone for good.
  await page.goto("/agent");
  await steps.getByRole("button", { name: "Dismiss first steps" }).click();
  await expect(steps).toBeHidden();
  await page.goto("/agent?welcome");
  await expect(page.getByRole("link", { name: "New ticket" })).toBeVisible();
  await expect(steps).toBeHidden();
});

test("an admin who did not come from the setup link sees no first steps", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.admin);
  await page.goto("/agent");
  await expect(page.getByRole("link", { name: "New ticket" })).toBeVisible();
  await expect(page.getByRole("region", { name: "First steps" })).toHaveCount(0);
});

import { expect, test } from "../support/fixtures.ts";

test("a requester's portal never downloads the agent workspace or admin code", async ({ page, desk }) => {
  const scripts: string[] = [];
  page.on("request", (req) => {
    if (req.resourceType() === "script") scripts.push(new URL(req.url()).pathname);
  });
  await desk.signIn(page, desk.users.alice);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help, Alice?" })).toBeVisible();
  await page.getByRole("navigation", { name: "Support" }).getByRole("link", { name: "My requests" }).click();
  await expect(page.getByRole("heading", { name: "My requests" })).toBeVisible();
  expect(scripts.some((s) => /\/assets\/portal-/.test(s))).toBe(true);
  expect(scripts.filter((s) => /\/assets\/(agent|admin)-/.test(s))).toEqual([]);
});

test("the agent workspace and admin say whom they are for", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.sam);
  await page.goto("/sign-in");
  // A signed-in agent is sent on to the agent workspace.
  await expect(page.getByRole("heading", { level: 1, name: "My open tickets" })).toBeVisible();

  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Admin settings" })).toBeVisible();
  await expect(page.getByText("For administrators.")).toBeVisible();
  await expect(page.getByText(/does not have access/)).toBeVisible();

  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Users and roles" })).toBeVisible();
});

test("signing out ends the session and returns to the sign-in page", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.alice);
  await page.goto("/requests");
  await page.getByRole("button", { name: "Account: Alice Martin" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/requests");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Frequests$/);
});

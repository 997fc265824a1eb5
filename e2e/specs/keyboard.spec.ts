import { expect, test } from "../support/fixtures.ts";

test("the portal can be used from the keyboard alone", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.alice);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help, Alice?" })).toBeVisible();

  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const search = page.getByRole("textbox", { name: "Describe your problem" });
  await expect(search).toBeFocused();
  await page.keyboard.type("VPN keeps dropping");
  await page.keyboard.press("Enter");

  await expect(page.getByRole("heading", { name: "New request" })).toBeVisible();
  await expect(page.getByLabel("Subject")).toHaveValue("VPN keeps dropping");
  // The new page starts at its content, as after a full page load.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "All topics" })).toBeFocused();

  await page.getByLabel("Description").focus();
  await page.keyboard.type("Every hour, on the office Wi-Fi.");
  await page.keyboard.press("Tab");
  // The urgency choice is a radio group: arrows move between the options.
  await expect(page.getByRole("radio", { name: /It slows me down/ })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("radio", { name: /I can't work/ })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(page.getByRole("radio", { name: /I can't work/ })).toBeChecked();

  await page.getByRole("button", { name: "Submit request" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "VPN keeps dropping" })).toBeVisible();
});

import { dropFiles, expect, test } from "../support/fixtures.ts";

test("a requester signs in, submits a request with an attachment and finds it in My requests", async ({ page, desk }) => {
  const subject = "Laptop will not start after the update";

  await page.goto("/requests");
  // Not signed in: the app sends the person to sign in, and back afterwards.
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await desk.screenshot(page, "sign-in");
  await page.getByLabel("Email").fill(desk.users.alice.email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await page.getByLabel("Password").fill("e2e tessera horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "My requests" })).toBeVisible();

  await page.getByRole("navigation", { name: "Support" }).getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { name: "How can we help, Alice?" })).toBeVisible();
  const topics = page.getByRole("list", { name: "Topics" });
  await expect(topics.getByRole("link")).toHaveCount(6);
  await desk.screenshot(page, "portal-home");

  await topics.getByRole("link", { name: /Hardware/ }).click();
  await expect(page.getByRole("heading", { name: "New request" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Topic" })).toHaveValue("Hardware");
  // Fields the desk keeps to itself are not on the requester's form.
  await expect(page.getByLabel("Internal cost code")).toHaveCount(0);

  await page.getByRole("textbox", { name: "Topic" }).click();
  await page.getByRole("option", { name: "Hardware / Laptops" }).click();
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("Description").fill("It shows a black screen after the logo.\nI tried holding the power button.");
  await page.getByRole("radio", { name: /I can't work/ }).click();
  await page.getByLabel("Asset tag").fill("LT-0042");
  await page.getByRole("textbox", { name: "Office" }).click();
  await page.getByRole("option", { name: "Lisbon" }).click();

  await dropFiles(page, page.getByRole("button", { name: "Attach files" }), [{ name: "boot-screen.txt", mimeType: "text/plain", text: "black screen\n" }]);
  const files = page.getByRole("region", { name: "Attached files" });
  await expect(files.getByText("boot-screen.txt")).toBeVisible();
  await expect(files.getByText(/^Attached/)).toBeVisible();

  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview.getByText(subject)).toBeVisible();
  await expect(preview.getByText("Hardware / Laptops")).toBeVisible();
  await expect(preview.getByText("I can't work")).toBeVisible();
  await expect(preview.getByText("LT-0042")).toBeVisible();
  await expect(preview.getByText("boot-screen.txt")).toBeVisible();
  await desk.screenshot(page, "portal-new-request");

  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: subject })).toBeVisible();
  await expect(page).toHaveURL(/\/requests\/INC-\d+$/);
  const reference = page.url().split("/").pop()!;
  const steps = page.getByRole("list", { name: "Progress of this request" });
  await expect(steps.locator('[aria-current="step"]')).toContainText("Submitted");
  await expect(page.getByRole("link", { name: /boot-screen\.txt/ })).toBeVisible();
  await expect(page.getByText("It shows a black screen after the logo.")).toBeVisible();
  await desk.screenshot(page, "portal-request-submitted");

  // What the desk received is what the preview showed.
  const agent = await desk.api(desk.users.sam);
  const ticket = await agent.get(`/api/tickets/${reference}`);
  expect(ticket).toMatchObject({
    subject,
    urgency: "high",
    category: { name: "Laptops" },
    team: { name: "Service Desk" },
    custom_fields: { asset_tag: "LT-0042", office: "Lisbon" },
    attachments: [{ filename: "boot-screen.txt" }],
  });

  await page.getByRole("navigation", { name: "Support" }).getByRole("link", { name: "My requests" }).click();
  await expect(page.getByRole("tab", { name: "Open", selected: true })).toBeVisible();
  const row = page.getByRole("list", { name: "Open requests" }).getByRole("link", { name: new RegExp(reference) });
  await expect(row).toBeVisible();
  await expect(row).toContainText("Submitted");
  await expect(row).toContainText(subject);
  await desk.screenshot(page, "portal-my-requests");

  // Customer-facing labels follow the desk's status: an agent starts work on it.
  await agent.updateTicket(reference, { status: "in_progress" });
  await page.reload();
  await expect(row).toContainText("In progress");
  await page.getByRole("tab", { name: "Closed" }).click();
  await expect(page.getByRole("tab", { name: "Closed", selected: true })).toBeVisible();
  const closed = page.getByRole("tabpanel", { name: "Closed" });
  await expect(closed.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(closed).not.toContainText(reference);
});

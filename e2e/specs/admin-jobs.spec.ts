/**
 * Background jobs in the admin: a job whose last try failed shows in the dead-letter list with
 * its error, and Retry takes it out (it runs again and succeeds). The failing job is a probe,
 * the admin API's own check of the worker, asked to fail on its first try. The retry is in the
 * audit log, found by its kind.
 */
import { expect, test } from "../support/fixtures.ts";

test("an admin sees a failed background job with its error and retries it out of the list", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const { id } = await admin.post<{ id: number }>("/api/jobs/probe", { fail: "once", max_attempts: 1 });
  // The worker runs it moments after it is queued; its one try fails on purpose.
  await expect.poll(async () => (await admin.get<{ items: Array<{ id: number }> }>("/api/jobs/dead")).items.map((j) => j.id), { timeout: 20_000 }).toContain(id);

  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/background-jobs");
  await expect(page.getByRole("heading", { name: "Background jobs", level: 1 })).toBeVisible();
  const row = page.getByRole("listitem", { name: `Job ${id}: probe` });
  await expect(row).toContainText("1 of 1 try failed");
  await expect(row.getByLabel("Last error")).toHaveText("The probe job failed on purpose, as asked.");
  await desk.screenshot(page, "admin-background-jobs");
  await page.setViewportSize({ width: 375, height: 800 });
  await desk.screenshot(page, "admin-background-jobs-phone");
  await page.setViewportSize({ width: 1440, height: 900 });

  await row.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByText(`Job ${id} (probe) is queued again.`)).toBeVisible();
  await expect(row).toHaveCount(0);
  // It ran again and succeeded: it does not come back.
  await expect.poll(async () => (await admin.get<{ items: Array<{ id: number }> }>("/api/jobs/dead")).items.map((j) => j.id), { timeout: 20_000 }).not.toContain(id);

  // The retry is in the audit log, under its own kind.
  await page.goto("/admin/audit-log");
  const entries = page.getByRole("region", { name: "Audit log entries" });
  const action = entries.getByRole("textbox", { name: "Action", exact: true });
  await action.click();
  await page.getByRole("option", { name: "Background jobs", exact: true }).click();
  await expect(page).toHaveURL(/[?&]action=job(&|$)/);
  await expect(entries.getByRole("link", { name: new RegExp(`queued the dead background job probe #${id} again`) })).toBeVisible();
});

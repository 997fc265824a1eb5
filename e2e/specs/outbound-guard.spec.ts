/**
 * An admin who points a mailbox at an address Tessera may not contact (here the cloud metadata
 * service) is told so under the Server field, with how to allow it, and nothing is saved.
 */
import { expect, test } from "../support/fixtures.ts";

test("a mailbox aimed at a link-local IMAP server is refused under the Server field, and keeps its settings", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const address = `guarded-${Math.random().toString(36).slice(2, 8)}@desk.test`;
  const box = await admin.post<{ id: number }>("/api/mailboxes", { address, name: "Guarded" });

  await desk.signIn(page, desk.users.admin);
  await page.goto(`/admin/mailboxes/${box.id}`);
  const editor = page.getByRole("form", { name: `Edit mailbox ${address}` });
  await expect(editor.getByRole("heading", { name: address })).toBeVisible({ timeout: 20_000 });
  // A switch's input is drawn over by its track: click its label, as a person would.
  await editor.getByText("Fetch mail from an IMAP server", { exact: true }).click();
  await editor.getByRole("textbox", { name: "Server" }).fill("169.254.169.254");
  await editor.getByRole("textbox", { name: "Port" }).fill("80");
  await editor.getByRole("textbox", { name: "User name" }).fill("helpdesk");
  await editor.locator("input[type=password]").fill("not-a-real-password");
  await editor.getByRole("button", { name: "Save changes" }).click();

  await expect(editor.getByText(/169\.254\.169\.254 is not allowed: it is a link-local address/)).toBeVisible();
  await expect(editor.getByText(/TESSERA_OUTBOUND_ALLOW/)).toBeVisible();
  await desk.screenshot(page, "admin-mailbox-refused-host");
  expect((await admin.get<{ imap: unknown }>(`/api/mailboxes/${box.id}`)).imap).toBeNull();
});

/**
 * Email in the web app: an admin adds a mailbox and sees its health, deals with failed mail and
 * edits a template with its preview; an agent loads the remote images of an emailed message on
 * purpose; a requester following the resolution mail's link lands on the choice, not on an act.
 * Mail arrives through Tessera's SMTP listener, as a mail server would deliver it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "../support/fixtures.ts";
import { sendMail } from "../support/smtp.ts";
import { addMailbox, customerMail, ticketBySubject } from "../support/mail.ts";
import { PASSWORD } from "../support/state.ts";

test.describe.configure({ timeout: 90_000 });

const unique = () => Math.random().toString(36).slice(2, 8);

/** A mailbox made through the API, whose new tickets go to the Service Desk team. */
test("an admin adds a mailbox and sees its health, red while its IMAP server cannot be reached", async ({ page, desk }) => {
  // The poller's first attempt comes within a poll interval; give a loaded machine room.
  test.setTimeout(150_000);
  const address = `help-${unique()}@desk.test`;
  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/mailboxes");
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("heading", { name: "Email & alerts" })).toBeVisible({ timeout: 20_000 });
  await page.getByRole("link", { name: "Add mailbox" }).click();
  const form = page.getByRole("form", { name: "New mailbox" });
  await form.getByRole("textbox", { name: "Address" }).fill(address);
  await form.getByRole("textbox", { name: "Name" }).fill("IT Service Desk");
  await form.getByRole("textbox", { name: "Team" }).click();
  await page.getByRole("option", { name: "Service Desk" }).click();
  await desk.screenshot(page, "admin-mailbox-new");
  await form.getByRole("button", { name: "Add mailbox" }).click();

  const editor = page.getByRole("form", { name: `Edit mailbox ${address}` });
  await expect(editor.getByRole("heading", { name: address })).toBeVisible({ timeout: 20_000 });
  // Without IMAP it is reached by SMTP or the pipe: nothing to fetch, nothing failing.
  const list = page.getByRole("region", { name: "Mailbox list" });
  const row = list.getByRole("link", { name: new RegExp(address) });
  await expect(row).toContainText("Receives by SMTP or pipe");
  await expect(editor.getByRole("region", { name: "Mailbox health" })).toContainText("Nothing to fetch", { timeout: 20_000 });

  // Now point it at an IMAP server that is not there: the poller's error shows, in red.
  // A switch's input is drawn over by its track: click its label, as a person would.
  await editor.getByText("Fetch mail from an IMAP server", { exact: true }).click();
  await expect(editor.getByRole("switch", { name: "Fetch mail from an IMAP server" })).toBeChecked();
  await editor.getByRole("textbox", { name: "Server" }).fill("127.0.0.1");
  await editor.getByRole("textbox", { name: "Port" }).fill("1");
  await editor.getByText("Encrypted connection (TLS)", { exact: true }).click();
  await expect(editor.getByRole("switch", { name: "Encrypted connection (TLS)" })).not.toBeChecked();
  await editor.getByRole("textbox", { name: "User name" }).fill("helpdesk");
  await editor.locator("input[type=password]").fill("not-a-real-password");
  await expect(editor.getByText("Only new mail")).toBeVisible();
  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(editor.getByText("Saved")).toBeVisible();
  // The password is write-only: it reads as set, with a way to change it.
  await expect(editor.getByText("Set (never shown)")).toBeVisible();
  await expect(editor.getByRole("button", { name: "Change", exact: true })).toBeVisible();

  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("region", { name: "Mailbox list" }).getByRole("link", { name: new RegExp(address) })).toContainText("Failing", { timeout: 10_000 });
  }).toPass({ timeout: 75_000 });
  await expect(page.getByRole("region", { name: "Mailbox health" })).toContainText("Last error");
  await expect(page.getByText(/mailbox is failing or lagging/)).toBeVisible();
  await desk.screenshot(page, "admin-mailbox-failing");
});

test("failed mail is listed with its reason, downloaded as .eml and discarded", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const address = `broken-${unique()}@desk.test`;
  await addMailbox(admin, address);
  const subject = `Nested ${unique()}`;
  // Thousands of nested MIME parts make the parser give up: it is kept, never refused.
  const depth = 2_000;
  const open = Array.from({ length: depth }, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`).join("");
  const raw = `From: mime@customer.example\r\nTo: ${address}\r\nSubject: ${subject}\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n${open}x\r\n`;
  expect(await sendMail(desk.smtpPort, raw, { from: "mime@customer.example", to: address })).toMatch(/^250 .*Kept for review/);

  await desk.signIn(page, desk.users.admin);
  // A message the parser gave up on has no readable headers: it is listed by its reason.
  const failed = (await admin.get<Array<{ id: number; reason: string }>>("/api/mail/failed"))[0];
  expect(failed.reason).toBe("unparseable");
  await page.goto("/admin/failed-mail");
  const list = page.getByRole("region", { name: "Failed mail list" });
  const row = list.locator(`a[href="/admin/failed-mail/${failed.id}"]`);
  await expect(row).toContainText("Could not be read", { timeout: 20_000 });
  await row.click();
  const detail = page.getByRole("region", { name: "Failed message" });
  await expect(detail).toContainText("The message is malformed in a way the mail parser gives up on");
  await desk.screenshot(page, "admin-failed-mail");

  const [download] = await Promise.all([page.waitForEvent("download"), detail.getByRole("link", { name: "Download original (.eml)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.eml$/);
  expect(readFileSync(await download.path(), "utf8")).toContain(`Subject: ${subject}`);

  await detail.getByRole("button", { name: "Discard" }).click();
  const dialog = page.getByRole("dialog", { name: "Discard this message?" });
  await expect(dialog).toContainText("stays downloadable");
  await dialog.getByRole("button", { name: "Discard" }).click();
  await expect(row).toHaveCount(0);
  await list.getByText("Discarded", { exact: true }).click();
  await expect(list.locator(`a[href="/admin/failed-mail/${failed.id}?status=discarded"]`)).toContainText("Discarded");
});

test("a template edit is previewed as it is typed, then saved", async ({ page, desk }) => {
  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/mail-templates");
  await page
    .getByRole("region", { name: "Template list" })
    .getByRole("link", { name: /Acknowledgement/ })
    .click();
  const editor = page.getByRole("form", { name: "Edit the acknowledgement template" });
  const preview = editor.getByRole("region", { name: "Preview" });
  await expect(preview.getByTestId("preview-subject")).toContainText("[#INC-1042]", { timeout: 20_000 });

  const subject = editor.getByLabel("Subject");
  await subject.fill("We have your request: {{ticket.subject}}");
  await expect(preview.getByTestId("preview-subject")).toContainText("We have your request:");
  await expect(editor.getByText("Unsaved changes")).toBeVisible();

  // A placeholder Tessera does not know is refused by name before anything is saved.
  await subject.fill("We have your request: {{ticket.subjekt}}");
  await expect(preview.getByRole("alert")).toContainText("ticket.subjekt");
  await subject.fill("We have your request: {{ticket.subject}}");
  await expect(preview.getByRole("alert")).toHaveCount(0);
  await editor.getByRole("textbox", { name: "HTML part" }).fill("<p>Hello {{requester.name}}, thanks for writing.</p>");
  await expect(preview.getByTestId("preview-body")).toContainText("thanks for writing.");
  await desk.screenshot(page, "admin-mail-template");

  await editor.getByRole("button", { name: "Save changes" }).click();
  await expect(editor.getByText("Saved")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("form", { name: "Edit the acknowledgement template" }).getByLabel("Subject")).toHaveValue("We have your request: {{ticket.subject}}");
  await expect(page.getByRole("region", { name: "Template list" }).getByRole("link", { name: /Acknowledgement/ })).toContainText("Customized");

  // Back to the default, asked first.
  await page.getByRole("button", { name: "Reset to default" }).click();
  await page.getByRole("dialog", { name: "Go back to the default template?" }).getByRole("button", { name: "Reset to default" }).click();
  await expect(page.getByRole("form", { name: "Edit the acknowledgement template" }).getByLabel("Subject")).not.toHaveValue(/We have your request/);
});

test("an agent loads an emailed message's remote images only on request, and downloads its original", async ({ page, desk }) => {
  // A "remote" image server that counts who fetches the picture.
  let fetched = 0;
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");
  const images: Server = createServer((_req, res) => {
    fetched++;
    res.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length });
    res.end(png);
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/tracker.png`;
  try {
    const admin = await desk.api(desk.users.admin);
    const address = `images-${unique()}@desk.test`;
    await addMailbox(admin, address);
    const subject = `Newsletter with a picture ${unique()}`;
    const html = `<html><body><p>The screen shows this error:</p><p><img src="${imageUrl}" alt="error screenshot" width="40" height="40"></p><p>Ravi</p></body></html>`;
    expect(
      await sendMail(desk.smtpPort, customerMail({ from: "Ravi Patel <ravi@customer.example>", to: address, subject, html, id: unique() }), { from: "ravi@customer.example", to: address }),
    ).toMatch(/^250 /);
    const ref = await ticketBySubject(admin, subject);

    await desk.signIn(page, desk.users.sam);
    await page.goto(`/agent/tickets/${ref}`);
    const conversation = page.getByRole("region", { name: "Conversation" });
    const first = conversation.getByRole("listitem", { name: "Message" }).first();
    await expect(first).toContainText("The screen shows this error", { timeout: 20_000 });
    await expect(first.getByRole("note")).toContainText("Remote images were blocked to protect your privacy");
    const picture = first.getByRole("img", { name: "error screenshot" });
    await expect(picture).not.toHaveAttribute("src");
    expect(fetched).toBe(0);
    await desk.screenshot(page, "agent-mail-images-blocked");

    await first.getByRole("button", { name: "Load images" }).click();
    await expect(picture).toHaveAttribute("src", imageUrl);
    await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    expect(fetched).toBe(1);
    await expect(first.getByRole("note")).toHaveCount(0);

    await first.getByRole("button", { name: /Came by email from ravi@customer.example/ }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "Download the original (.eml)" }).click()]);
    expect(readFileSync(await download.path(), "utf8")).toContain(`Subject: ${subject}`);
  } finally {
    await new Promise((resolve) => images.close(resolve));
  }
});

async function signInWithForm(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("the resolution mail's confirm link leads through sign-in to the choice, which still takes a click", async ({ page, desk }) => {
  const alice = await desk.api(desk.users.alice);
  const sam = await desk.api(desk.users.sam);
  const ticket = await alice.post("/api/tickets", { subject: `Docking station flickers ${unique()}`, description: "The second screen flickers.", format: "text", type: "service_request" });
  const ref: string = ticket.reference;
  await sam.updateTicket(ref, { status: "resolved", resolution_note: "Replaced the DisplayPort cable." });

  await page.goto(`/requests/${ref}?action=confirm`);
  await expect(page).toHaveURL(/\/sign-in\?next=/, { timeout: 20_000 });
  await signInWithForm(page, desk.users.alice.email, PASSWORD);
  await expect(page).toHaveURL(new RegExp(`/requests/${ref}\\?action=confirm$`));

  const choice = page.getByRole("region", { name: "Did this fix it?" });
  await expect(choice).toContainText("You answered “Yes, it is fixed” in our email");
  await expect(choice.getByRole("button", { name: "Yes, mark as solved" })).toBeFocused();
  await expect(choice).toBeInViewport();
  await desk.screenshot(page, "portal-mail-confirm");
  // Following the link did nothing by itself.
  expect((await alice.get(`/api/tickets/${ref}`)).status.category).toBe("resolved");

  await choice.getByRole("button", { name: "Yes, mark as solved" }).click();
  await expect(page.getByText("This request is closed.")).toBeVisible();
  expect((await alice.get(`/api/tickets/${ref}`)).status.category).toBe("closed");
  // The same link again: the page says there is nothing left to confirm.
  await page.goto(`/requests/${ref}?action=confirm`);
  await expect(page.getByRole("status").filter({ hasText: "already closed" })).toBeVisible();

  // The not-fixed link opens the reopen form, ready to type in.
  const other = await alice.post("/api/tickets", { subject: `VPN drops ${unique()}`, description: "Every hour.", format: "text", type: "service_request" });
  await sam.updateTicket(other.reference, { status: "resolved", resolution_note: "Updated the VPN client." });
  await page.goto(`/requests/${other.reference}?action=reopen`);
  await expect(page.getByRole("region", { name: "Did this fix it?" }).getByLabel("What is still wrong?")).toBeFocused();
});

test("a stranger's reply waits as held mail; an agent reads it and accepts it from the ticket", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const address = `held-${unique()}@desk.test`;
  await addMailbox(admin, address);
  const subject = `Printer jams on floor 2 ${unique()}`;
  const first = unique();
  expect(
    await sendMail(desk.smtpPort, customerMail({ from: "Ravi Patel <ravi@customer.example>", to: address, subject, text: "It jams on every page.", id: first }), {
      from: "ravi@customer.example",
      to: address,
    }),
  ).toMatch(/^250 /);
  const ref = await ticketBySubject(admin, subject);
  // Someone who is not part of the ticket answers in its thread.
  const reply = customerMail({ from: "Eve Stone <eve@elsewhere.example>", to: address, subject: `Re: ${subject}`, text: "Same here, the tray is broken.", id: unique() }).replace(
    "MIME-Version: 1.0",
    `In-Reply-To: <${first}@customer.example>\r\nMIME-Version: 1.0`,
  );
  expect(await sendMail(desk.smtpPort, reply, { from: "eve@elsewhere.example", to: address })).toMatch(/^250 .*held/);

  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/held-mail");
  const list = page.getByRole("region", { name: "Held mail list" });
  await list.getByRole("link", { name: new RegExp(`eve@elsewhere.example.*${ref}`) }).click({ timeout: 20_000 });
  const detail = page.getByRole("region", { name: "Held message" });
  await expect(detail).toContainText("Same here, the tray is broken.");
  await expect(detail).toContainText("The sender is not the requester");
  await desk.screenshot(page, "admin-held-mail");

  await page.goto(`/agent/tickets/${ref}`);
  const banner = page.getByRole("region", { name: "Held message" });
  await expect(banner).toContainText("A message from eve@elsewhere.example is waiting for you", { timeout: 20_000 });
  await banner.getByRole("button", { name: "Read the message" }).click();
  await expect(banner).toContainText("Same here, the tray is broken.");
  await desk.screenshot(page, "agent-held-mail");
  await banner.getByRole("button", { name: "Accept as reply" }).click();
  await expect(banner).toHaveCount(0);
  const conversation = page.getByRole("region", { name: "Conversation" });
  await expect(conversation.getByRole("listitem", { name: "Message" }).filter({ hasText: "Same here, the tray is broken." })).toBeVisible();
  await expect(conversation).toContainText("accepted a held message as a reply");
});

test("the outbox shows what waits without a mail server, and an alert token is shown once and works", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const account = await admin.post<{ id: number; name: string }>("/api/users", { email: `alerts-${unique()}@desk.test`, name: "Alertmanager", role: "agent", password: PASSWORD });
  // A requester of this test's own: the desk's automatic answers to one address are capped per
  // hour, and the other tests file many requests as Alice.
  const email = `dana-${unique()}@example.test`;
  const dana = await admin.post<{ id: number; email: string; name: string }>("/api/users", { email, name: "Dana Dark", role: "requester", password: PASSWORD });
  const requester = await desk.api(dana);
  await requester.post("/api/tickets", { subject: `Monitor is dark ${unique()}`, description: "No signal.", format: "text" });

  await desk.signIn(page, desk.users.admin);
  await page.goto("/admin/outgoing-mail");
  const outbox = page.getByRole("region", { name: "Outbox" });
  await expect(outbox).toContainText("No mail server is configured", { timeout: 20_000 });
  await expect(outbox.getByRole("link", { name: new RegExp(email.replace(/[.]/g, "\\.")) }).first()).toContainText("Queued");
  await desk.screenshot(page, "admin-outgoing-mail");

  await page.goto("/admin/alerts");
  const form = page.getByRole("form", { name: "Alert settings" });
  await form.getByRole("textbox", { name: "Integration account" }).click({ timeout: 20_000 });
  await page.getByRole("option", { name: new RegExp(`^Alertmanager`) }).click();
  await expect(form).toContainText("Alertmanager has no “Monitoring alerts” token yet.");
  // The token sends alerts and nothing more unless more is ticked; an agent's token is offered no admin scopes.
  const scopes = form.getByRole("group", { name: "What the token may do" });
  await expect(scopes.getByRole("checkbox", { name: "Send monitoring alerts" })).toBeChecked();
  await expect(scopes.getByRole("checkbox", { name: "Read tickets and their conversations" })).not.toBeChecked();
  await expect(scopes.getByRole("checkbox", { name: "Change settings, people and mail setup" })).toHaveCount(0);
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = form.getByRole("status").filter({ hasText: "The new token: copy it now" });
  const token = (await shown.getByLabel("the token", { exact: true }).textContent())!.trim();
  expect(token.length).toBeGreaterThan(20);
  await expect(form.getByLabel("the curl example", { exact: true })).toContainText(`Authorization: Bearer ${token}`);
  await expect(form.getByLabel("the Alertmanager configuration", { exact: true })).toContainText("/api/alerts/alertmanager");

  // Resolve on recovery, and "disk" alerts as P2; saved explicitly.
  await form.getByText("Resolve the incident when the alert clears", { exact: true }).click();
  await form.getByRole("button", { name: "Add a severity" }).click();
  const rows = form.getByRole("textbox", { name: /^Severity \d+$/ });
  await rows.last().fill("disk");
  await form.getByRole("textbox", { name: "Priority for disk" }).click();
  await page.getByRole("option", { name: "P2 · High" }).click();
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByText("Saved")).toBeVisible();
  await desk.screenshot(page, "admin-alerts");

  const res = await fetch(`${desk.baseURL}/api/alerts/generic`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ source: "e2e", fingerprint: unique(), severity: "disk", summary: "Disk 91% full on db1", status: "firing" }),
  });
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as { results: Array<{ outcome: string; ticket_id: number }> };
  expect(results[0].outcome).toBe("created");
  const tickets = await fetch(`${desk.baseURL}/api/tickets/${results[0].ticket_id}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(tickets.status).toBe(403);
  expect((await admin.get<Array<{ name: string; scopes: string[] }>>(`/api/tokens?user_id=${account.id}`)).map((t) => t.scopes)).toEqual([["alerts:write"]]);
  expect((await admin.get<{ priority: string }>(`/api/tickets/${results[0].ticket_id}`)).priority).toBe("P2");
  expect((await admin.get<{ resolve_on_resolved: boolean }>("/api/alerts/settings")).resolve_on_resolved).toBe(true);
  expect(account.name).toBe("Alertmanager");
});

test("an alert's ticket shows how often it fired and when it was last seen, on a wide screen and on a phone", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const account = await admin.post<{ id: number }>("/api/users", { email: `monitor-${unique()}@desk.test`, name: "Monitoring", role: "agent", password: PASSWORD });
  const { token } = await admin.post<{ token: string }>("/api/tokens", { user_id: account.id, name: "Monitoring alerts" });
  const fingerprint = unique();
  const alert = {
    status: "firing",
    labels: { alertname: "DiskFull", instance: `db-${fingerprint}`, severity: "critical" },
    annotations: { summary: `Disk 95% full on db-${fingerprint}` },
    startsAt: "2026-12-07T01:00:00Z",
    fingerprint,
  };
  // Alertmanager sends a firing alert again at every repeat interval, batched with its group.
  const send = async (copies: number) => {
    const res = await fetch(`${desk.baseURL}/api/alerts/alertmanager`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ version: "4", groupKey: '{}:{alertname="DiskFull"}', status: "firing", receiver: "tessera", alerts: Array.from({ length: copies }, () => alert) }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { results: Array<{ outcome: string; ticket_id: number; reference: string }> }).results;
  };
  const [first] = await send(1);
  expect(first.outcome).toBe("created");
  for (const copies of [20, 20, 9]) await send(copies);
  // Repeats reach the ticket within TESSERA_ALERT_REPEAT_FLUSH_SECONDS (5 s by default).
  type Shown = { alert: { occurrences: number; last_seen_at: string } | null };
  await expect.poll(async () => (await admin.get<Shown>(`/api/tickets/${first.ticket_id}`)).alert?.occurrences, { timeout: 20_000 }).toBe(50);
  const lastSeen = (await admin.get<Shown>(`/api/tickets/${first.ticket_id}`)).alert!.last_seen_at;

  await page.setViewportSize({ width: 1440, height: 900 });
  await desk.signIn(page, desk.users.admin);
  await page.goto(`/agent/tickets/${first.reference}`);
  const card = page.getByRole("complementary", { name: "Ticket details" }).getByRole("region", { name: "Alert" });
  await expect(card).toContainText("50 occurrences", { timeout: 20_000 });
  await expect(card).toContainText("Firing");
  await expect(card.locator(`time[datetime="${lastSeen}"]`).first()).toBeVisible();
  await expect(card).toContainText("Last seen");
  await desk.screenshot(page, "agent-alert-ticket");

  await page.setViewportSize({ width: 375, height: 780 });
  await page.getByRole("button", { name: "Show details" }).click();
  const sheet = page.getByRole("dialog", { name: "Details" }).getByRole("region", { name: "Alert" });
  await expect(sheet).toContainText("50 occurrences");
  await expect(sheet.locator(`time[datetime="${lastSeen}"]`).first()).toBeVisible();
  // The whole card fits the phone's width once the sheet has slid in (long fingerprints wrap).
  await sheet.scrollIntoViewIfNeeded();
  await expect(sheet).toBeInViewport({ ratio: 1 });
  await desk.screenshot(page, "agent-alert-ticket-phone");
});

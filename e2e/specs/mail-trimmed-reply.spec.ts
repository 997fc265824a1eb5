/**
 * An emailed reply on a ticket: the agent reads all the customer wrote, including the paragraph
 * after a line of underscores, while the quoted history is hidden behind "Show trimmed text",
 * which the keyboard opens and closes. Mail arrives through Tessera's SMTP listener.
 */
import { expect, test } from "../support/fixtures.ts";
import { sendMail } from "../support/smtp.ts";
import { addMailbox, customerMail, ticketBySubject } from "../support/mail.ts";

test.describe.configure({ timeout: 90_000 });

const unique = () => Math.random().toString(36).slice(2, 8);

test("an emailed reply shows all the customer wrote, and its quoted history opens with Show trimmed text", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const address = `replies-${unique()}@desk.test`;
  await addMailbox(admin, address);
  const customer = `nora-${unique()}@customer.example`;
  const subject = `Printer on floor 2 ${unique()}`;
  const first = unique();
  expect(
    await sendMail(desk.smtpPort, customerMail({ from: `Nora Berg <${customer}>`, to: address, subject, text: "The printer on floor 2 does not print.", id: first }), { from: customer, to: address }),
  ).toMatch(/^250 /);
  const ref = await ticketBySubject(admin, subject);

  const reply = [
    "Thanks, the printer works again.",
    "",
    "________________________________",
    "",
    "One more thing: the scanner next to it jams on every second page.",
    "",
    "Nora",
    "",
    `On Thu, 3 Dec 2026 at 09:30, Help Desk <${address}> wrote:`,
    "> Please switch the printer off and on again.",
    ">",
    "> Sam, Service Desk",
  ].join("\r\n");
  expect(
    await sendMail(desk.smtpPort, customerMail({ from: `Nora Berg <${customer}>`, to: address, subject: `Re: [#${ref}] ${subject}`, text: reply, id: unique(), inReplyTo: first }), {
      from: customer,
      to: address,
    }),
  ).toMatch(/^250 /);

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ref}`);
  const conversation = page.getByRole("region", { name: "Conversation" });
  const answer = conversation.getByRole("listitem", { name: "Message" }).filter({ hasText: "the printer works again" });
  await expect(answer).toBeVisible({ timeout: 20_000 });
  await expect(answer).toContainText("One more thing: the scanner next to it jams on every second page.");
  await expect(answer).toContainText("Nora");
  await expect(answer).not.toContainText("Please switch the printer off and on again.");

  // The control is a button in the tab order: focus it and open it with the keyboard.
  const show = answer.getByRole("button", { name: "Show trimmed text" });
  await expect(show).toBeVisible();
  await expect(show).toHaveAttribute("aria-expanded", "false");
  await show.focus();
  await page.keyboard.press("Enter");
  const whole = answer.getByRole("region", { name: "Whole message as received" });
  await expect(whole).toContainText("Please switch the printer off and on again.");
  const hide = answer.getByRole("button", { name: "Hide trimmed text" });
  await expect(hide).toHaveAttribute("aria-expanded", "true");
  await desk.screenshot(page, "agent-mail-trimmed-reply-open");

  await hide.focus();
  await page.keyboard.press("Space");
  await expect(whole).toHaveCount(0);
  await expect(answer.getByRole("button", { name: "Show trimmed text" })).toBeFocused();
});

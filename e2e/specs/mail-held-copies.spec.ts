/**
 * A reply known only by the ticket's tag in its subject could come from anyone: the people it
 * copies in wait on the ticket until an agent adds them as watchers or declines them. Mail
 * arrives through Tessera's SMTP listener.
 */
import { expect, test } from "../support/fixtures.ts";
import { sendMail } from "../support/smtp.ts";
import { addMailbox, customerMail, ticketBySubject } from "../support/mail.ts";

test.describe.configure({ timeout: 90_000 });

const unique = () => Math.random().toString(36).slice(2, 8);

test("people copied on a reply known only by its tag wait on the ticket; the agent declines one and adds the other", async ({ page, desk }) => {
  const admin = await desk.api(desk.users.admin);
  const address = `copies-${unique()}@desk.test`;
  await addMailbox(admin, address);
  const customer = `omar-${unique()}@customer.example`;
  const subject = `Laptop battery swells ${unique()}`;
  expect(await sendMail(desk.smtpPort, customerMail({ from: `Omar Haddad <${customer}>`, to: address, subject, text: "The battery bulges.", id: unique() }), { from: customer, to: address })).toMatch(
    /^250 /,
  );
  const ref = await ticketBySubject(admin, subject);

  // Two mails in Omar's name that only type the tag, each copying someone in.
  const outsider = `eve-${unique()}@elsewhere.example`;
  const colleague = `lena-${unique()}@customer.example`;
  for (const [cc, text] of [
    [`Eve Stone <${outsider}>`, "Keep Eve posted."],
    [`Lena Park <${colleague}>`, "Lena takes over while I am away."],
  ]) {
    expect(await sendMail(desk.smtpPort, customerMail({ from: customer, to: address, cc, subject: `Re: [#${ref}] ${subject}`, text, id: unique() }), { from: customer, to: address })).toMatch(/^250 /);
  }

  await desk.signIn(page, desk.users.sam);
  await page.goto(`/agent/tickets/${ref}`);
  const conversation = page.getByRole("region", { name: "Conversation" });
  // The replies themselves are on the ticket; the people they copied in are not, yet.
  await expect(conversation.getByRole("listitem", { name: "Message" }).filter({ hasText: "Lena takes over while I am away." })).toBeVisible({ timeout: 20_000 });
  const banners = page.getByRole("region", { name: "Held copies" });
  await expect(banners).toHaveCount(2);
  const eve = banners.filter({ hasText: outsider });
  await expect(eve).toContainText(`${customer} copied in Eve Stone <${outsider}>`);
  await expect(eve).toContainText("only by the ticket’s tag in its subject");
  await desk.screenshot(page, "agent-held-copies");

  await eve.getByRole("button", { name: "Decline" }).click();
  await expect(eve).toHaveCount(0);
  await expect(conversation).toContainText(`declined the people copied on held mail (${outsider})`);

  await banners.filter({ hasText: colleague }).getByRole("button", { name: "Add as watchers" }).click();
  await expect(banners).toHaveCount(0);
  await expect(conversation).toContainText(`added the people copied on held mail as watchers (${colleague})`);
  const ticket = await admin.get<{ watchers: Array<{ email: string }> }>(`/api/tickets/${ref}`);
  expect(ticket.watchers.map((w) => w.email)).toEqual([colleague]);
});

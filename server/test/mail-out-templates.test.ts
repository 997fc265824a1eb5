/**
 * Mail templates: admins edit them through the API with a preview; templates cannot run code,
 * refuse unknown placeholders, and what a user typed is escaped in the HTML part.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { ALLOW_LOOPBACK } from "./support/loopback.ts";
import { SmtpCatcher } from "./support/smtp-catcher.ts";
import { deliverDue } from "../src/mail/out/outbox.ts";

describe.each(dialects)("mail templates on %s", (dialect) => {
  let catcher: SmtpCatcher;
  let desk: TestDesk;
  let admin: Client, agent: Client, requester: Client;

  beforeAll(async () => {
    catcher = await SmtpCatcher.start();
    desk = await createDesk(dialect, { ...ALLOW_LOOPBACK, TESSERA_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`, TESSERA_MAIL_FROM: "Help <help@desk.test>", TESSERA_PUBLIC_URL: "https://desk.test" });
    admin = await desk.user("admin");
    agent = await desk.user("agent");
    requester = await desk.user("requester", { name: "Rita" });
  });
  afterAll(async () => {
    await desk.close();
    await catcher.stop();
  });

  it("lists one template per kind, with its default and placeholders, for admins only", async () => {
    const res = await admin.get("/api/mail/templates");
    expect(res.status).toBe(200);
    expect(res.body.map((t: any) => t.kind)).toEqual(["acknowledgement", "reply", "resolved", "auto_closed", "mention", "assigned"]);
    for (const t of res.body) {
      expect(t.customized).toBe(false);
      expect(t.subject).toBe(t.defaults.subject);
      expect(t.description).not.toBe("");
    }
    expect(res.body[0].placeholders).toContain("ticket.reference");
    expect((await agent.get("/api/mail/templates")).status).toBe(403);
    expect((await admin.get("/api/mail/templates/carrier_pigeon")).status).toBe(400);
  });

  it("refuses templates that do not parse, include others, or name unknown placeholders, and keeps the old one", async () => {
    const put = (body: object) => admin.put("/api/mail/templates/acknowledgement", { subject: "{{ticket.subject}}", text: "ok", html: "<p>ok</p>", ...body });
    const typo = await put({ text: "Your ref: {{ticket.refrence}}" });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toMatch(/text: uses \{\{ticket\.refrence\}\}, which is not a placeholder/);
    const partial = await put({ html: "{{> header}}" });
    expect(partial.status).toBe(400);
    expect(partial.body.error.message).toMatch(/html: uses the partial/);
    const unclosed = await put({ subject: "{{#ticket.subject}} open" });
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.message).toMatch(/subject: is not a valid template/);
    // The prototype chain is not reachable: no path from a template to a function.
    const proto = await put({ text: "{{#constructor.constructor}}return process{{/constructor.constructor}}" });
    expect(proto.status).toBe(400);
    const empty = await put({ subject: "" });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/subject/);
    expect((await admin.get("/api/mail/templates/acknowledgement")).body.customized).toBe(false);
  });

  it("sends what the admin wrote, with the HTML part sanitised and the reference tag kept", async () => {
    const saved = await admin.put("/api/mail/templates/acknowledgement", {
      subject: "We got it: {{ticket.subject}}",
      text: "Ref {{ticket.reference}} for {{recipient.name}}: {{ticket.subject}}",
      html: '<p style="color:#333">Ref <b>{{ticket.reference}}</b> — {{ticket.subject}}</p><script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">x</a>',
    });
    expect(saved.status).toBe(200);
    expect(saved.body.customized).toBe(true);
    const before = catcher.messages.length;
    const t = (await requester.post("/api/tickets", { subject: 'Tom & Jerry <script>alert("x")</script>' })).body;
    await deliverDue(desk.ctx);
    const [m] = catcher.messages.slice(before);
    expect(m.parsed.subject).toBe(`[#${t.reference}] We got it: Tom & Jerry <script>alert("x")</script>`);
    expect(m.parsed.text?.trim()).toBe(`Ref ${t.reference} for Rita: Tom & Jerry <script>alert("x")</script>`);
    const html = m.parsed.html as string;
    expect(html).toContain(`<b>${t.reference}</b>`);
    expect(html).toContain("Tom &amp; Jerry &lt;script&gt;");
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
    expect(html).toContain('style="color:#333"');
  });

  it("previews a template, saved or not, against sample data or a real ticket, without changing it", async () => {
    const sample = await admin.post("/api/mail/templates/acknowledgement/preview", {});
    expect(sample.status).toBe(200);
    expect(sample.body).toMatchObject({ rendered_with: "sample", subject: "[#INC-1042] We got it: Printer on the 3rd floor jams on every page" });

    const t = (await requester.post("/api/tickets", { subject: "Keyboard <b>sticky</b>" })).body;
    const draft = await admin.post("/api/mail/templates/acknowledgement/preview", {
      ticket: t.reference,
      text: "Draft for {{requester.name}} {{ticket.reference}}",
      html: "<p>{{ticket.subject}}</p>",
    });
    expect(draft.status).toBe(200);
    expect(draft.body.rendered_with).toBe(t.reference);
    expect(draft.body.text.trim()).toBe(`Draft for Rita ${t.reference}`);
    expect(draft.body.html).toContain("<p>Keyboard &lt;b&gt;sticky&lt;/b&gt;</p>");
    expect((await admin.get("/api/mail/templates/acknowledgement")).body.text).toBe("Ref {{ticket.reference}} for {{recipient.name}}: {{ticket.subject}}");

    const noReply = await admin.post("/api/mail/templates/reply/preview", { ticket: t.id });
    expect(noReply.status).toBe(400);
    expect(noReply.body.error.message).toMatch(/no public reply/);
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "internal only", internal: true });
    expect((await admin.post("/api/mail/templates/reply/preview", { ticket: t.id })).status).toBe(400);
    await agent.post(`/api/tickets/${t.id}/comments`, { body: "Try <em>this</em>", format: "html" });
    const reply = await admin.post("/api/mail/templates/reply/preview", { ticket: t.id });
    expect(reply.status).toBe(200);
    expect(reply.body.html).toContain("Try <em>this</em>");
    expect(reply.body.text).toContain("Try this");

    expect((await admin.post("/api/mail/templates/reply/preview", { ticket: "INC-999999" })).status).toBe(404);
    const bad = await admin.post("/api/mail/templates/reply/preview", { text: "{{nope}}" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/nope/);
  });

  it("goes back to the default on request", async () => {
    const reset = await admin.delete("/api/mail/templates/acknowledgement");
    expect(reset.status).toBe(200);
    expect(reset.body.customized).toBe(false);
    expect(reset.body.subject).toBe(reset.body.defaults.subject);
  });

  it("checks the mail settings it is given", async () => {
    const bad = await admin.put("/api/mail/settings", { auto_reply_per_hour: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/auto_reply_per_hour/);
    expect((await agent.put("/api/mail/settings", { auto_reply_per_hour: 5 })).status).toBe(403);
  });
});

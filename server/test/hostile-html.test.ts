import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { dialects, type Client, type TestDesk } from "./harness.ts";
import { openHelpDesk, type HelpDesk } from "./support/help-desk.ts";
import { sentNotification } from "./support/mail.ts";
import { HTML_DEPTH_MAX, HTML_ELEMENTS_MAX, measureHtml } from "../src/text/html-shape.ts";

/**
 * Input built to keep the server busy: HTML nested tens of thousands of levels deep (the
 * sanitiser's time grows with the square of the depth) and text that made regular expressions
 * backtrack. Each must be answered or stored without holding the one event loop for seconds.
 */

// Every document handed to sanitize-html, measured: the sanitiser never sees unbounded nesting.
const seen = vi.hoisted(() => ({ depth: 0, elements: 0, calls: 0 }));
vi.mock("sanitize-html", async (importOriginal) => {
  const real = ((await importOriginal()) as { default: typeof import("sanitize-html") }).default;
  const measured = (html: string, options?: import("sanitize-html").IOptions) => {
    const shape = measureHtml(html, { depth: Infinity, elements: Infinity });
    seen.depth = Math.max(seen.depth, shape.depth);
    seen.elements = Math.max(seen.elements, shape.elements);
    seen.calls++;
    return real(html, options);
  };
  return { default: Object.assign(measured, real) };
});

const nestedDivs = (n: number, inner: string) => `${"<div>".repeat(n)}${inner}${"</div>".repeat(n)}`;

function htmlMail(h: { from: string; subject: string; messageId: string; html: string; text?: string; headers?: string[] }): Buffer {
  const head = [`From: ${h.from}`, "To: help@desk.test", `Subject: ${h.subject}`, `Message-ID: ${h.messageId}`, ...(h.headers ?? []), "MIME-Version: 1.0"];
  if (h.text === undefined) return Buffer.from([...head, "Content-Type: text/html; charset=utf-8", "", h.html, ""].join("\r\n"));
  return Buffer.from(
    [
      ...head,
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      h.text,
      "--b1",
      "Content-Type: text/html; charset=utf-8",
      "",
      h.html,
      "--b1--",
      "",
    ].join("\r\n"),
  );
}

describe.each(dialects)("hostile HTML and text on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;

  let help: HelpDesk;
  beforeAll(async () => {
    help = await openHelpDesk(dialect);
    ({ desk, admin, agent } = help);
  });
  afterAll(() => help?.close());
  beforeEach(() => {
    Object.assign(seen, { depth: 0, elements: 0, calls: 0 });
  });

  const ingest = (raw: Buffer) => help.ingest(raw);

  it("a mail of 60,000 nested <div>s lands on a new ticket as readable text while /healthz keeps answering", async () => {
    const raw = htmlMail({
      from: "mallory@example.net",
      subject: "Printer jammed",
      messageId: `<deep-divs.${dialect}@example.net>`,
      html: `<html><head><title>Not body text</title></head><body>${nestedDivs(60_000, "The printer on floor 3 is jammed &amp; blinking.")}</body></html>`,
    });
    const order: string[] = [];
    const stored = ingest(raw).then((r) => {
      order.push("mail stored");
      return r;
    });
    const health = await desk.anonymous().get("/healthz");
    order.push("health answered");
    const r = await stored;
    expect(health.status).toBe(200);
    expect(order).toEqual(["health answered", "mail stored"]);
    expect(r).toMatchObject({ outcome: "ticket" });

    // The sanitiser only ever saw bounded HTML: the deep document never reached it.
    expect(seen.calls).toBeGreaterThan(0);
    expect(seen.depth).toBeLessThanOrEqual(HTML_DEPTH_MAX);
    expect(seen.elements).toBeLessThanOrEqual(HTML_ELEMENTS_MAX);

    const t = (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
    expect(t.subject).toBe("Printer jammed");
    expect(t.description).toContain("The printer on floor 3 is jammed &amp; blinking.");
    expect(t.description).toContain("too large or too deeply nested to show as sent");
    expect(t.description).not.toContain("Not body text");
    const [m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    expect(m.full_body).toContain("The printer on floor 3 is jammed");
    // The original is kept as sent, for download.
    expect((await agent.get(m.raw_url)).text).toContain("<div><div><div>");
    expect((await admin.get("/api/mail/failed")).body).toEqual([]);
  });

  it("a reply whose HTML nests too deep shows the sender's own text part, its quoted history hidden", async () => {
    const first = await ingest(htmlMail({ from: "ann.lee@contoso.example", subject: "VPN", messageId: `<vpn.${dialect}@contoso.example>`, html: "<p>The VPN drops.</p>" }));
    expect(first).toMatchObject({ outcome: "ticket" });
    const t = (await agent.get(`/api/tickets/${(first as { ticketId: number }).ticketId}`)).body;
    const sent = await sentNotification(desk.ctx, t.id, t.requester.id);
    const r = await ingest(
      htmlMail({
        from: "ann.lee@contoso.example",
        subject: `Re: [#${t.reference}] VPN`,
        messageId: `<vpn-reply.${dialect}@contoso.example>`,
        headers: [`In-Reply-To: ${sent}`],
        text: "It works again since this morning.\r\n\r\nOn Wed, 25 Nov 2026 at 10:00, Help Desk <help@desk.test> wrote:\r\n> Please reinstall the client.\r\n",
        html: nestedDivs(60_000, "It works again since this morning."),
      }),
    );
    expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
    expect(seen.depth).toBeLessThanOrEqual(HTML_DEPTH_MAX);
    const [c] = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
    expect(c.body).toContain("It works again since this morning.");
    expect(c.body).not.toContain("Please reinstall the client.");
  });

  it("a mail nested a few hundred levels deep is still shown as HTML", async () => {
    const r = await ingest(htmlMail({ from: "bob@contoso.example", subject: "Forwarded thread", messageId: `<shallow.${dialect}@contoso.example>`, html: nestedDivs(300, "<b>Still formatted</b>") }));
    expect(r).toMatchObject({ outcome: "ticket" });
    const t = (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
    expect(t.description).toContain("<b>Still formatted</b>");
    expect(t.description).not.toContain("too deeply nested");
  });

  it("a comment of 66,000 nested elements is refused with 400 naming body, and nothing is stored", async () => {
    const t = (await agent.post("/api/tickets", { subject: "Deep comment", description: "start" })).body;
    const deep = "<b>".repeat(66_000) + "bold";
    const res = await agent.post(`/api/tickets/${t.id}/comments`, { body: deep, format: "html" });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: "body" })]);
    expect(res.body.error.message).toMatch(/^body: .*500 levels/);
    expect(seen.depth).toBeLessThanOrEqual(HTML_DEPTH_MAX);
    expect((await agent.get(`/api/tickets/${t.id}/comments`)).body).toEqual([]);
    // 100,000 nested elements do not even fit in a body: refused for their length, naming body too.
    const longer = await agent.post(`/api/tickets/${t.id}/comments`, { body: "<b>".repeat(100_000), format: "html" });
    expect(longer.status).toBe(400);
    expect(longer.body.error.details).toEqual([expect.objectContaining({ field: expect.stringMatching(/(^|\.)body$/) })]);
    // The same words as text are stored, escaped.
    const asText = await agent.post(`/api/tickets/${t.id}/comments`, { body: "<b>".repeat(1_000), format: "text" });
    expect(asText.status).toBe(201);
  });

  it("a ticket description nested tens of thousands of levels deep is refused naming description, on create and on change", async () => {
    const deep = "<div>".repeat(39_000);
    const created = await agent.post("/api/tickets", { subject: "Deep description", description: deep });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual([expect.objectContaining({ field: "description" })]);
    const t = (await agent.post("/api/tickets", { subject: "Plain description", description: "<p>fine</p>" })).body;
    const changed = await agent.patch(`/api/tickets/${t.id}`, { description: "<i>".repeat(66_000), version: t.version });
    expect(changed.status).toBe(400);
    expect(changed.body.error.details).toEqual([expect.objectContaining({ field: "description" })]);
    expect((await agent.get(`/api/tickets/${t.id}`)).body.description).toBe("<p>fine</p>");
    expect(seen.depth).toBeLessThanOrEqual(HTML_DEPTH_MAX);
  });

  it("a mail template nested 33,000 levels deep is refused naming html, on save and on preview", async () => {
    const html = `${"<b>".repeat(33_000)}{{ticket.reference}}`;
    const saved = await admin.put("/api/mail/templates/acknowledgement", { subject: "{{ticket.subject}}", text: "Received.", html });
    expect(saved.status).toBe(400);
    expect(saved.body.error.details).toEqual([expect.objectContaining({ field: "html" })]);
    expect((await admin.get("/api/mail/templates/acknowledgement")).body.customized).toBe(false);
    const preview = await admin.post("/api/mail/templates/acknowledgement/preview", { html });
    expect(preview.status).toBe(400);
    expect(seen.depth).toBeLessThanOrEqual(HTML_DEPTH_MAX);
  });

  // Inputs that made a regular expression backtrack for minutes: each is answered in a test's time.
  it("an @mention followed by 190,000 dots is stored (the trailing-punctuation trim backtracked)", { timeout: 15_000 }, async () => {
    const t = (await agent.post("/api/tickets", { subject: "Dots", description: "start" })).body;
    const res = await agent.post(`/api/tickets/${t.id}/comments`, { body: `ping @x@y${".".repeat(190_000)}zz`, format: "text" });
    expect(res.status).toBe(201);
  });

  it("a bounce whose report is 200,000 blank lines is recorded (the report reader backtracked)", { timeout: 15_000 }, async () => {
    const raw = Buffer.from(
      [
        "From: MAILER-DAEMON@mx.example.net",
        "To: help@desk.test",
        "Subject: Undelivered Mail Returned to Sender",
        `Message-ID: <bounce-blank.${dialect}@mx.example.net>`,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        `${"\r\n".repeat(200_000)}Status: 5.1.1`,
        "",
      ].join("\r\n"),
    );
    expect(await ingest(raw)).toMatchObject({ outcome: "bounce" });
  });

  it("a mail attachment named with 300,000 dots and spaces is stored under a short readable name (the trailing trim backtracked)", { timeout: 15_000 }, async () => {
    const name = `report${". ".repeat(150_000)}x.txt`;
    // RFC 2231 continuations: a name of any length, folded over many short header lines.
    const chunks = name.match(/.{1,60}/g)!.map((c, i) => ` filename*${i}="${c}"`);
    const raw = Buffer.from(
      [
        "From: carol@contoso.example",
        "To: help@desk.test",
        "Subject: Log attached",
        `Message-ID: <dots-name.${dialect}@contoso.example>`,
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "The log is attached.",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        `Content-Disposition: attachment;\r\n${chunks.join(";\r\n")}`,
        "",
        "log line",
        "--b1--",
        "",
      ].join("\r\n"),
    );
    const r = await ingest(raw);
    expect(r).toMatchObject({ outcome: "ticket" });
    const t = (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
    expect(t.attachments).toHaveLength(1);
    // Shortened to 200 characters, then the dots and spaces that ended the shortened stem dropped.
    expect(t.attachments[0].filename).toBe("report.txt");
  });
});

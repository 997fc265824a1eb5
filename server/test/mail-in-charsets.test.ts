import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, type Client, type TestDesk } from "./harness.ts";
import { openHelpDesk, type HelpDesk } from "./support/help-desk.ts";
import { fixture, sentNotification } from "./support/mail.ts";
import type { IngestResult } from "../src/mail/in/ingest.ts";

/** Mail whose charset is missing or wrong: the ticket reads as the sender wrote it, the original is kept byte for byte. */
describe.each(dialects)("inbound mail with a missing or wrong charset on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client;

  let help: HelpDesk;
  beforeAll(async () => {
    help = await openHelpDesk(dialect);
    ({ desk, agent } = help);
  });
  afterAll(() => help?.close());

  const ingest = (raw: Buffer) => help.ingest(raw);
  async function ticketOf(r: IngestResult) {
    expect(r).toMatchObject({ outcome: "ticket" });
    return (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
  }
  /** The sha256 of the original kept for the ticket's first message. */
  async function originalHashOf(ticketId: number) {
    const row = await desk.ctx.db.selectFrom("mail_messages").select("raw_sha256").where("ticket_id", "=", ticketId).orderBy("id").executeTakeFirstOrThrow();
    return row.raw_sha256;
  }
  const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

  it("ISO-2022-JP text without a charset: the Japanese reads right, the original is kept as it came", async () => {
    const raw = fixture("iso-2022-jp-no-charset.eml");
    const t = await ticketOf(await ingest(raw));
    expect(t.subject).toBe("テスト");
    expect(t.description).toContain("会議室のプロジェクターが映りません。");
    expect(t.description).not.toContain("$B");
    expect(await originalHashOf(t.id)).toBe(sha256(raw));
    expect((await agent.get((await agent.get(`/api/tickets/${t.id}/mail`)).body[0].raw_url)).text).toContain("\u001b$B");
  });

  it("ISO-2022-JP HTML part without a charset: the Japanese reads right", async () => {
    const t = await ticketOf(await ingest(fixture("iso-2022-jp-html-no-charset.eml")));
    expect(t.description).toContain("会議室のプロジェクターが<b>映りません</b>。");
  });

  it("Shift_JIS text without a charset: the Japanese reads right", async () => {
    const t = await ticketOf(await ingest(fixture("shift-jis-no-charset.eml")));
    expect(t.description).toContain("自宅からＶＰＮに接続できません。");
    expect(t.description).toContain("エラーコードは８０９と表示されます。");
    expect(t.description).not.toContain("\uFFFD");
  });

  it("Windows-1252 HTML without a charset: accents, the euro sign and curly quotes read right", async () => {
    const t = await ticketOf(await ingest(fixture("windows-1252-html-no-charset.eml")));
    expect(t.description).toContain("la facture de 120 € n’apparaît pas dans le système.");
    expect(t.description).toContain("Merci d’avance – François Müller");
    expect(t.description).not.toContain("\uFFFD");
  });

  it("UTF-8 labelled ISO-8859-1: read as UTF-8 in the text and the HTML part", async () => {
    const t = await ticketOf(await ingest(fixture("utf-8-labelled-latin1.eml")));
    expect(t.description).toContain("Grüße aus Köln: die Rechnung über <b>45 €</b> ist schon bezahlt.");
    expect(t.description).toContain("Renée");
    expect(t.description).not.toContain("Ã");
    const mail = (await agent.get(`/api/tickets/${t.id}/mail`)).body[0];
    expect(mail.full_body).toContain("Grüße aus Köln");
  });

  it("a plain-text reply in UTF-8 labelled ISO-8859-1: the comment reads as UTF-8", async () => {
    const first = await ticketOf(
      await ingest(Buffer.from("From: renee.koch@fabrikam.example\r\nTo: help@desk.test\r\nSubject: Rechnung\r\nMessage-ID: <rechnung-first@fabrikam.example>\r\n\r\nBitte prüfen.\r\n")),
    );
    const sent = await sentNotification(desk.ctx, first.id, first.requester.id);
    const reply = Buffer.concat([
      Buffer.from(
        `From: renee.koch@fabrikam.example\r\nTo: help@desk.test\r\nSubject: Re: [#${first.reference}] Rechnung\r\nIn-Reply-To: ${sent}\r\nMessage-ID: <rechnung-reply.${dialect}@fabrikam.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
      ),
      Buffer.from("Schöne Grüße, die Überweisung über 45 € ist heute raus.\r\n", "utf8"),
    ]);
    expect(await ingest(reply)).toMatchObject({ outcome: "reply", ticketId: first.id });
    const [c] = (await agent.get(`/api/tickets/${first.id}/comments`)).body;
    expect(c.body).toContain("Schöne Grüße, die Überweisung über 45 € ist heute raus.");
  });

  it("Latin-1 that says so is left as it is", async () => {
    const raw = Buffer.concat([
      Buffer.from(
        "From: jose.garcia@contoso.example\r\nTo: help@desk.test\r\nSubject: Teclado\r\nMessage-ID: <teclado-latin1@contoso.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
      ),
      Buffer.from("El teclado no escribe la ñ ni la á.\r\n", "latin1"),
    ]);
    const t = await ticketOf(await ingest(raw));
    expect(t.description).toContain("El teclado no escribe la ñ ni la á.");
    expect(await originalHashOf(t.id)).toBe(sha256(raw));
  });
  it("Windows-1252 HTML nested thousands deep without a charset still becomes a ticket with its words", async () => {
    const depth = 20_000;
    const html = Buffer.concat([Buffer.from("<div>".repeat(depth)), Buffer.from("Le café de l’étage ne marche plus.", "latin1"), Buffer.from("</div>".repeat(depth))]);
    const head =
      "From: remy@client.example\r\nTo: help@desk.test\r\nSubject: Cafe\r\nMessage-ID: <deep-1252.DIALECT@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".replace(
        "DIALECT",
        dialect,
      );
    const t = await ticketOf(await ingest(Buffer.concat([Buffer.from(head), html, Buffer.from("\r\n")])));
    expect(t.description).toContain("Le café de l");
    expect(t.description).toContain("étage ne marche plus.");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects, type Client, type TestDesk } from "./harness.ts";
import { openHelpDesk, type HelpDesk } from "./support/help-desk.ts";
import { fixture, sentNotification } from "./support/mail.ts";
import { TRIM_TEXT_MAX } from "../src/mail/in/quote.ts";

/**
 * Replies from the common mail clients, in several languages: what the sender wrote is shown on
 * the ticket, the quoted history is hidden and stays one click away (trimmed, full_body).
 */
interface Case {
  name: string;
  file: string;
  from: string;
  /** Text the sender wrote: all of it shown on the ticket. */
  shown: string[];
  /** Quoted history: hidden from the reply, kept in the whole message. */
  hidden: string[];
}

const CASES: Case[] = [
  {
    name: "Thunderbird, English, plain text: the words after a line of underscores are the sender's and stay",
    file: "thunderbird-underscores.eml",
    from: "ann.lee@gmail.com",
    shown: ["both screens now", "________________________________", "One more thing: the docking station in room 4.12", "could someone look at that one too?", "Ann"],
    hidden: ["Please try the new docking station"],
  },
  {
    name: "Outlook on the web, English: the underscore line with From/Sent/To/Subject starts the original",
    file: "outlook-web-reply.eml",
    from: "ann.lee@contoso.example",
    shown: ["The shared mailbox shows up again after a restart of Outlook.", "Ann"],
    hidden: ["Please restart Outlook and check", "Sent:"],
  },
  {
    name: "Gmail, German (Am … schrieb …:): the postscript after an underscore rule stays",
    file: "gmail-german-reply.eml",
    from: "lena.vogel@gmail.com",
    shown: ["das WLAN im Besprechungsraum läuft wieder.", "Nachtrag: Im Raum 2.07 bricht die Verbindung weiterhin alle zehn Minuten ab.", "Lena"],
    hidden: ["Bitte starten Sie den Router", "schrieb Help Desk"],
  },
  {
    name: "Outlook desktop, German (-----Ursprüngliche Nachricht-----, Von:/Gesendet:)",
    file: "outlook-reply.eml",
    from: "juergen.mueller@contoso.example",
    shown: ["der Drucker funktioniert wieder", "89,50 €", "Jürgen"],
    hidden: ["Bitte prüfen Sie die Trommel"],
  },
  {
    name: "Apple Mail, French (Le … a écrit :)",
    file: "apple-mail-french-reply.eml",
    from: "amelie.durand@icloud.com",
    shown: ["le VPN fonctionne de nouveau depuis ce matin. Merci !", "Amélie"],
    hidden: ["Pouvez-vous réinstaller le client VPN", "a écrit"],
  },
  {
    name: "Outlook desktop, Spanish, plain text (De:/Enviado el:/Para:/Asunto:)",
    file: "outlook-spanish-plain.eml",
    from: "marta.gil@fabrikam.example",
    shown: ["La licencia ya aparece como activada.", "Marta"],
    hidden: ["cerrar sesión en Office", "Enviado el"],
  },
  {
    name: "iOS Mail, Dutch (Op … heeft … het volgende geschreven:)",
    file: "ios-mail-dutch-reply.eml",
    from: "sanne.devries@icloud.com",
    shown: ["De agenda synchroniseert weer, dank jullie wel.", "Sanne"],
    hidden: ["Kunt u het account verwijderen", "het volgende geschreven"],
  },
  {
    name: "Gmail for Android, Dutch (Op … schreef …:)",
    file: "gmail-android-dutch-reply.eml",
    from: "daan.jansen@gmail.com",
    shown: ["Het nieuwe wachtwoord werkt, bedankt."],
    hidden: ["Uw wachtwoord is opnieuw ingesteld", "schreef Help Desk"],
  },
  {
    name: "iOS Mail, Japanese (…のメッセージ:)",
    file: "ios-mail-japanese-reply.eml",
    from: "yamada@example.co.jp",
    shown: ["復旧しました。ありがとうございます。", "山田"],
    hidden: ["プリンターを再起動してください", "のメッセージ"],
  },
  {
    name: "Gmail, Japanese (DATE NAME <address>:)",
    file: "gmail-japanese-reply.eml",
    from: "suzuki.ichiro@gmail.com",
    shown: ["承知しました。明日もう一度試します。", "鈴木"],
    hidden: ["ドライバーを更新してください"],
  },
];

describe.each(dialects)("quoted history in replies on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, agent: Client;

  let help: HelpDesk;
  beforeAll(async () => {
    help = await openHelpDesk(dialect);
    ({ desk, admin, agent } = help);
  });
  afterAll(() => help?.close());

  const ingest = (raw: Buffer) => help.ingest(raw);
  let seq = 0;

  /** A ticket opened by mail from `from`, with a notification we "sent" them, for a reply to answer. */
  async function ticketFrom(from: string) {
    const n = ++seq;
    const r = await ingest(Buffer.from(`From: ${from}\r\nTo: help@desk.test\r\nSubject: Request ${n}\r\nMessage-ID: <request-${n}.${dialect}@client.example>\r\n\r\nSomething is broken (${n}).\r\n`));
    expect(r).toMatchObject({ outcome: "ticket" });
    const t = (await agent.get(`/api/tickets/${(r as { ticketId: number }).ticketId}`)).body;
    return { t, sent: await sentNotification(desk.ctx, t.id, t.requester.id) };
  }

  /** Ingests a reply fixture on a fresh ticket: the comment it became and its received message. */
  async function reply(file: string, from: string, extra = "") {
    const { t, sent } = await ticketFrom(from);
    const r = await ingest(fixture(file, { REF: t.reference, IN_REPLY_TO: sent, REFERENCES: sent }));
    expect(r).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
    const mail = (await agent.get(`/api/tickets/${t.id}/mail`)).body.find((m: any) => m.comment_id === c.id);
    expect(mail, extra).toBeTruthy();
    return { c, mail };
  }

  it.each(CASES)("$name", async ({ file, from, shown, hidden }) => {
    const { c, mail } = await reply(file, from);
    for (const words of shown) expect(c.body).toContain(words);
    for (const words of hidden) {
      expect(c.body).not.toContain(words);
      expect(mail.full_body).toContain(words);
    }
    expect(mail.trimmed).toBe(true);
  });

  it("Thunderbird, Spanish, interleaved: every answer between the quoted questions stays, with the questions, and nothing is trimmed", async () => {
    const { c, mail } = await reply("thunderbird-spanish-interleaved.eml", "carlos.ruiz@empresa.example");
    expect(c.body).toContain("Es una HP LaserJet M404.");
    expect(c.body).toContain("Atasco de papel en la bandeja 2");
    expect(c.body).toContain("¿Aparece algún mensaje de error en la pantalla?");
    expect(c.body).toContain("Carlos");
    expect(mail.trimmed).toBe(false);
  });

  it("a reply with nothing quoted, HTML and text, a line of underscores between its paragraphs: shown whole, not marked trimmed", async () => {
    const { t, sent } = await ticketFrom("olga.petrova@contoso.example");
    const raw = Buffer.from(
      `From: Olga Petrova <olga.petrova@contoso.example>\r\nTo: help@desk.test\r\nSubject: Re: [#${t.reference}] Request\r\nIn-Reply-To: ${sent}\r\nMessage-ID: <plain-reply.${dialect}@contoso.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n` +
        `--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIt works now.\r\n\r\n________________________________\r\n\r\nThe second monitor still flickers, though.\r\n\r\nOlga\r\n` +
        `--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>It works now.</div><div><br></div><div>________________________________</div><div><br></div><div>The second monitor still flickers, though.</div><div><br></div><div>Olga</div>\r\n--b1--\r\n`,
    );
    expect(await ingest(raw)).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
    expect(c.body).toContain("The second monitor still flickers, though.");
    expect(c.body).toContain("Olga");
    const [, m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    expect(m).toMatchObject({ comment_id: c.id, trimmed: false });
  });

  it("a 750 KB reply with a long quoted history lands on its ticket, its history hidden and kept whole", async () => {
    const { t, sent } = await ticketFrom("pieter.bakker@contoso.example");
    // A Dutch thread answered many times over: every earlier message quoted one level deeper.
    const para = "Op het scherm staat nog steeds dezelfde foutmelding na het opnieuw opstarten.\n";
    let history = "";
    for (let n = 1; history.length < 750_000; n++) {
      history = `Antwoord ${n}.\n${para.repeat(3)}\nOp ma 23 nov 2026 om 16:${String(n % 60).padStart(2, "0")} schreef Help Desk <help@desk.test>:\n` + history.replace(/^/gm, "> ");
    }
    // The first paragraph is a pasted log on one line: dates, "from" and <hosts> (what made the
    // former trimmer backtrack for minutes).
    const log = "2026-11-24 08:00:01 tunnel from <vpn-gw-1.contoso.example> dropped after 300 s; ".repeat(150);
    const body = `Het werkt weer sinds vanochtend. Het log van gisteren: ${log}\n\nOp di 24 nov 2026 om 09:00 schreef Help Desk <help@desk.test>:\n${history.replace(/^/gm, "> ")}`;
    expect(body.length).toBeGreaterThan(750_000);
    const raw = Buffer.from(
      `From: pieter.bakker@contoso.example\r\nTo: help@desk.test\r\nSubject: Re: [#${t.reference}] Request\r\nIn-Reply-To: ${sent}\r\nMessage-ID: <long-thread.${dialect}@contoso.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\n/g, "\r\n")}`,
    );
    expect(await ingest(raw)).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
    expect(c.body).toContain("Het werkt weer sinds vanochtend.");
    expect(c.body).toContain("tunnel from &lt;vpn-gw-1.contoso.example&gt; dropped");
    expect(c.body).not.toContain("Antwoord");
    const [, m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    expect(m.trimmed).toBe(true);
    expect(m.full_body).toContain("Antwoord 1.");
    expect((await admin.get("/api/mail/failed")).body).toEqual([]);
  });

  it("a reply too long to look through for quoted history lands on its ticket untrimmed", async () => {
    const { t, sent } = await ticketFrom("ines.moreau@contoso.example");
    const body = `Voici le journal complet.\n\n${"ligne du journal: connexion refusée\n".repeat(120_000)}\nLe 23 nov. 2026 à 16:02, Help Desk <help@desk.test> a écrit :\n> Pouvez-vous envoyer le journal ?\n`;
    expect(body.length).toBeGreaterThan(TRIM_TEXT_MAX);
    const raw = Buffer.from(
      `From: ines.moreau@contoso.example\r\nTo: help@desk.test\r\nSubject: Re: [#${t.reference}] Request\r\nIn-Reply-To: ${sent}\r\nMessage-ID: <huge-log.${dialect}@contoso.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\n/g, "\r\n")}`,
    );
    expect(await ingest(raw)).toMatchObject({ outcome: "reply", ticketId: t.id });
    const [c] = (await agent.get(`/api/tickets/${t.id}/comments`)).body;
    expect(c.body).toContain("Voici le journal complet.");
    expect(c.body).toContain("download the original for the rest");
    const [, m] = (await agent.get(`/api/tickets/${t.id}/mail`)).body;
    expect((await agent.get(m.raw_url)).text).toContain("Pouvez-vous envoyer le journal ?");
    expect((await admin.get("/api/mail/failed")).body).toEqual([]);
  });
});

/**
 * Mail as a customer's client writes it, for the browser tests that send it to Tessera's SMTP
 * listener, and the lookups that follow it to its ticket.
 */
import { expect } from "@playwright/test";
import type { ApiSession } from "./api.ts";

export interface CustomerMail {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  /** The local part of the Message-ID (its domain is customer.example). */
  id: string;
  inReplyTo?: string;
  text?: string;
  /** Sent as the HTML body instead of the text. */
  html?: string;
}

/** One raw RFC 5322 message, CRLF line ends. */
export function customerMail(o: CustomerMail): string {
  const head = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    ...(o.cc ? [`Cc: ${o.cc}`] : []),
    `Subject: ${o.subject}`,
    `Message-ID: <${o.id}@customer.example>`,
    ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}@customer.example>`] : []),
    "Date: Thu, 03 Dec 2026 09:00:00 +0000",
    "MIME-Version: 1.0",
  ];
  const body = o.html !== undefined ? ["Content-Type: text/html; charset=utf-8", "", o.html] : ["Content-Type: text/plain; charset=utf-8", "", o.text ?? ""];
  return [...head, ...body, ""].join("\r\n");
}

/** A mailbox at `address` whose tickets go to the Service Desk team. */
export async function addMailbox(admin: ApiSession, address: string): Promise<{ id: number }> {
  const teams = await admin.get<Array<{ id: number; name: string }>>("/api/teams");
  return admin.post("/api/mailboxes", { address, name: "Help", team_id: teams.find((t) => t.name === "Service Desk")!.id });
}

/** The reference of the ticket with exactly this subject, waiting for the mail to be taken in. */
export async function ticketBySubject(api: ApiSession, subject: string): Promise<string> {
  let ref: string | undefined;
  await expect(async () => {
    const found = await api.get<{ items: Array<{ reference: string; subject: string }> }>(`/api/tickets?q=${encodeURIComponent(subject)}`);
    ref = found.items.find((t) => t.subject === subject)?.reference;
    expect(ref, `a ticket "${subject}"`).toBeTruthy();
  }).toPass({ timeout: 20_000 });
  return ref!;
}

/** The mailbox editor's draft: its shape, conversion to and from a mailbox, and its checks. */
import type { Mailbox, MailboxUpdateInput, TicketType } from "@tessera/contracts";
import { looksLikeEmail } from "./people.ts";

export interface Draft {
  address: string;
  name: string;
  active: boolean;
  team_id: string | null;
  category_id: string | null;
  ticket_type: string | null;
  imap: boolean;
  host: string;
  port: number | "";
  tls: boolean;
  user: string;
  /** A new password; empty keeps the stored one. */
  password: string;
  folder: string;
  processed_action: "seen" | "move";
  processed_folder: string;
  history_mode: "new_only" | "import";
  restrict_senders: boolean;
  allowed_senders: string;
}
export const EMPTY: Draft = {
  address: "",
  name: "",
  active: true,
  team_id: null,
  category_id: null,
  ticket_type: null,
  imap: false,
  host: "",
  port: "",
  tls: true,
  user: "",
  password: "",
  folder: "INBOX",
  processed_action: "seen",
  processed_folder: "",
  history_mode: "new_only",
  restrict_senders: false,
  allowed_senders: "",
};
export const draftOf = (m: Mailbox): Draft => ({
  address: m.address,
  name: m.name,
  active: m.active,
  team_id: m.team_id != null ? String(m.team_id) : null,
  category_id: m.category_id != null ? String(m.category_id) : null,
  ticket_type: m.ticket_type,
  imap: !!m.imap,
  host: m.imap?.host ?? "",
  port: m.imap?.port ?? "",
  tls: m.imap?.tls ?? true,
  user: m.imap?.user ?? "",
  password: "",
  folder: m.imap?.folder ?? "INBOX",
  processed_action: m.processed_action,
  processed_folder: m.processed_folder ?? "",
  history_mode: m.history_mode,
  restrict_senders: m.restrict_senders,
  allowed_senders: m.allowed_senders.join("\n"),
});
const senderList = (s: string) => [
  ...new Set(
    s
      .split(/[\s,;]+/)
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean),
  ),
];
export function inputOf(d: Draft): MailboxUpdateInput & { address: string; name: string } {
  return {
    address: d.address.trim(),
    name: d.name.trim(),
    active: d.active,
    team_id: d.team_id ? Number(d.team_id) : null,
    category_id: d.category_id ? Number(d.category_id) : null,
    ticket_type: (d.ticket_type as TicketType | null) ?? null,
    imap: d.imap
      ? { host: d.host.trim(), ...(d.port !== "" ? { port: d.port } : {}), tls: d.tls, user: d.user.trim(), folder: d.folder.trim() || "INBOX", ...(d.password ? { password: d.password } : {}) }
      : null,
    processed_action: d.processed_action,
    processed_folder: d.processed_action === "move" ? d.processed_folder.trim() || null : null,
    history_mode: d.history_mode,
    restrict_senders: d.restrict_senders,
    allowed_senders: senderList(d.allowed_senders),
  };
}
export function check(d: Draft, hasStoredPassword: boolean): Record<string, string> {
  const found: Record<string, string> = {};
  if (!looksLikeEmail(d.address)) found.address = "An address looks like help@example.com";
  if (!d.name.trim()) found.name = "Give the mailbox a name, such as IT Service Desk";
  if (d.imap) {
    if (!d.host.trim()) found["imap.host"] = "Name the IMAP server, such as imap.example.com";
    if (!d.user.trim()) found["imap.user"] = "The account Tessera signs in with";
    if (!d.password && !hasStoredPassword) found["imap.password"] = "Tessera needs the password to sign in";
    if (d.processed_action === "move" && !d.processed_folder.trim()) found.processed_folder = "Name the folder processed mail is moved to";
  }
  const bad = senderList(d.allowed_senders).filter((s) => !/^([^\s@<>]+@)?[a-z0-9.-]+\.[a-z]{2,}$/.test(s));
  if (bad.length) found.allowed_senders = `Not an address or a domain: ${bad.slice(0, 3).join(", ")}`;
  return found;
}
export const FIELDS = [
  "address",
  "name",
  "active",
  "team_id",
  "category_id",
  "ticket_type",
  "imap.host",
  "imap.port",
  "imap.user",
  "imap.password",
  "imap.folder",
  "imap",
  "processed_action",
  "processed_folder",
  "history_mode",
  "restrict_senders",
  "allowed_senders",
];

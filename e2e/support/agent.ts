/**
 * Helpers for the agent workspace tests: a second signed-in browser (another agent, or the
 * requester beside the agent), watched for script errors like the main page, and tickets made
 * through the API.
 */
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { deflateSync } from "node:zlib";
import { expect, type Desk } from "./fixtures.ts";
import type { ApiSession } from "./api.ts";
import type { SeededUser } from "./state.ts";

/** The workspace is built for a laptop or larger screen; these tests use one. */
export const WIDE = { width: 1440, height: 900 };

export interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

/** Another browser (own cookies), signed in as `user`. Close it at the end of the test. */
export async function openBrowserAs(browser: Browser, desk: Desk, user: SeededUser, viewport = WIDE): Promise<Person> {
  const context = await browser.newContext({ baseURL: desk.baseURL, viewport, locale: "en-GB", timezoneId: "Europe/London" });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to (load|execute|apply)/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  await desk.signIn(page, user);
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      expect(problems, `script errors, CSP violations or dialogs in ${user.email}'s browser`).toEqual([]);
    },
  };
}

/** A word no other test uses, to find this test's tickets by search. */
export const uniqueWord = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

export interface TicketOut {
  id: number;
  reference: string;
  subject: string;
  version: number;
  [k: string]: unknown;
}

/** A request filed by a requester through the API, in a category of the Service Desk team. */
export async function fileRequest(requester: ApiSession, subject: string, extra: Record<string, unknown> = {}): Promise<TicketOut> {
  const categories = await requester.get<Array<{ id: number; path: string }>>("/api/categories");
  const laptops = categories.find((c) => c.path === "Hardware / Laptops")!;
  return requester.post<TicketOut>("/api/tickets", { subject, description: "Filed by the browser tests.", format: "text", category_id: laptops.id, ...extra });
}

/** A small PNG (a soft gradient with a bar), made here so that no binary lives in the repository. */
export function makePng(width = 240, height = 150): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const bar = y > height * 0.4 && y < height * 0.6 && x > width * 0.15 && x < width * 0.85;
      raw[row + 1 + x * 3] = bar ? 255 : 80 + Math.round((x / width) * 100);
      raw[row + 2 + x * 3] = bar ? 255 : 90 + Math.round((y / height) * 80);
      raw[row + 3 + x * 3] = bar ? 255 : 200;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Uploads a file as `who` and returns its attachment id. */
export async function upload(who: ApiSession, name: string, type: string, bytes: Buffer): Promise<number> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
  return (await who.post<{ id: number }>("/api/attachments", form)).id;
}

/**
 * A subcategory of "Network and VPN" for the Service Desk, timed by an SLA policy of its own
 * with the same targets (minutes) at every priority; returns the category's id.
 */
export async function timedCategory(admin: ApiSession, name: string, targets: { first_response: number; resolution: number }): Promise<number> {
  const categories = await admin.get<Array<{ id: number; path: string }>>("/api/categories");
  const network = categories.find((c) => c.path === "Network and VPN")!;
  const teams = await admin.get<Array<{ id: number; name: string }>>("/api/teams");
  const serviceDesk = teams.find((t) => t.name === "Service Desk")!;
  const category = await admin.post<{ id: number }>("/api/categories", { name, parent_id: network.id, default_team_id: serviceDesk.id });
  const calendars = await admin.get<Array<{ id: number; is_default: boolean }>>("/api/sla/calendars");
  await admin.post("/api/sla/policies", {
    name: `Policy ${name}`,
    calendar_id: calendars.find((c) => c.is_default)!.id,
    conditions: { category_ids: [category.id] },
    targets: { P1: targets, P2: targets, P3: targets, P4: targets },
    warn_percent: 75,
    escalations: [],
  });
  return category.id;
}

/**
 * The audit trail over HTTP, for admins: newest first by default, keyset-paginated by id,
 * filtered by actor, action (or group of actions) and time.
 */
import { AuditEvent, AuditQuery, Page } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { invalid } from "../errors.ts";
import { listAuditEvents } from "./queries.ts";
import { presentAuditEvent } from "./present.ts";

/** What the API reference says of the audit trail. */
const AUDIT_DOC = {
  summary: "The admin and security audit trail: sign-ins, account, role, token and setting changes, raw mail downloads",
  description:
    'Append-only. Each entry names who acted (as they were named then), the client address (X-Forwarded-For only from the proxies in TESSERA_TRUSTED_PROXIES) and User-Agent, what changed from what to what (secrets read "[redacted]"), and a sentence. Newest first; `order=asc` follows the trail oldest first. Pass `next_cursor` as `after` for the next page; ids are stable. `actor` is a user id or email (an email also finds failed sign-ins with it); `action` is one action or a group such as `auth`.',
};

export function auditRoutes(app: App, ctx: AppContext) {
  app.get("/api/audit", {
    config: { access: "admin" },
    schema: { tags: ["audit"], ...AUDIT_DOC, querystring: AuditQuery, response: { 200: Page(AuditEvent) } },
    handler: async (req) => {
      const q = req.query;
      if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) throw invalid("to", "must be later than from");
      const rows = await listAuditEvents(ctx.db, q);
      const page = rows.slice(0, q.limit);
      return { items: page.map(presentAuditEvent), next_cursor: rows.length > q.limit ? String(page[page.length - 1].id) : null };
    },
  });
}

/**
 * Audit log: who signed in (or failed to), changed an account, a role, a token or a setting,
 * or downloaded raw mail, from which address and browser. Newest first, filtered by kind of
 * action and by person; an entry shows what changed from what to what.
 */
import { Autocomplete, Badge, Group, Select, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import type { AuditEvent } from "@tessera/contracts";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { useAssignableStaff } from "../api/admin-queries.ts";
import { auditKeys, useAuditPages, type AuditFilters } from "../api/audit.ts";
import { BeforeAfterTable } from "../ui/before-after-table.tsx";
import { formatDateTime } from "../ui/format.ts";
import { TimeAgo } from "../ui/time-ago.tsx";
import { AdminCollectionPage, useAdminCollection } from "./scaffold/index.ts";
import { PagedRows } from "./paged-rows.tsx";
import classes from "./admin.module.css";
import { ListRow } from "./list-row.tsx";
import { DetailPane, Facts } from "./detail-pane.tsx";

const ACTION_FILTERS = [
  {
    group: "Kinds",
    items: [
      { value: "auth", label: "Sign-ins, sign-outs and setup" },
      { value: "user", label: "Accounts, roles and passwords" },
      { value: "token", label: "API tokens" },
      { value: "team", label: "Teams and members" },
      { value: "setting", label: "Settings" },
      { value: "mailbox", label: "Mailboxes" },
      { value: "mail", label: "Mail downloads and failed mail" },
      { value: "sla_policy", label: "SLA policies" },
      { value: "sla_calendar", label: "Business hours" },
      { value: "sla", label: "SLA settings and recomputes" },
      { value: "status", label: "Statuses" },
      { value: "custom_field", label: "Custom fields" },
      { value: "category", label: "Categories" },
      { value: "organization", label: "Organizations" },
      { value: "mail_template", label: "Mail templates" },
      { value: "canned_reply", label: "Canned replies" },
      { value: "macro", label: "Macros" },
      { value: "view", label: "Saved views" },
      { value: "job", label: "Background jobs" },
    ],
  },
  {
    group: "Single actions",
    items: [
      { value: "auth.sign_in_failed", label: "Failed sign-ins" },
      { value: "user.role_changed", label: "Role changes" },
      { value: "user.password_changed", label: "Password changes" },
      { value: "token.used", label: "API token use" },
    ],
  },
];

const VIA_WORDS: Record<string, string> = { web: "Signed in to the web app", api: "With an API token", cli: "The tessera command, on the server", system: "Tessera itself" };

const looksLikePerson = (v: string) => /^\S+@\S+\.\S+$/.test(v) || /^\d+$/.test(v);

function Filters() {
  const [params, setParams] = useSearchParams();
  const staff = useAssignableStaff();
  const [person, setPerson] = useState(params.get("person") ?? "");
  const [debounced] = useDebouncedValue(person.trim(), 300);
  useEffect(() => {
    const wanted = looksLikePerson(debounced) ? debounced : "";
    if (wanted === (params.get("person") ?? "")) return;
    const next = new URLSearchParams(params);
    if (wanted) next.set("person", wanted);
    else next.delete("person");
    setParams(next, { replace: true });
  }, [debounced, params, setParams]);
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <Group gap="xs" p="sm" grow align="flex-end">
      <Select label="Action" placeholder="Every action" data={ACTION_FILTERS} value={params.get("action")} onChange={(v) => set("action", v)} clearable size="xs" />
      <Autocomplete label="Person" placeholder="Email of anyone" data={(staff.data ?? []).map((u) => u.email)} value={person} onChange={setPerson} size="xs" limit={8} />
    </Group>
  );
}

/** Long values break anywhere rather than widen the table. */
const WRAP = { overflowWrap: "anywhere" } as const;

function ChangeTable({ before, after }: { before: AuditEvent["before"]; after: AuditEvent["after"] }) {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  if (!keys.length) return null;
  const show = (v: unknown) => (v === undefined || v === null || v === "" ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  return (
    <BeforeAfterTable
      label="What changed"
      heading="Field"
      mt="md"
      className={classes.table}
      rows={keys.map((k) => ({ key: k, name: k, before: show(before?.[k]), after: show(after?.[k]) }))}
      cells={() => ({ name: { className: classes.mono }, before: { style: WRAP }, after: { style: WRAP } })}
    />
  );
}

function EntryDetail({ entry }: { entry: AuditEvent }) {
  return (
    <DetailPane label="Audit entry" title={entry.sentence}>
      <Facts
        facts={[
          ["When", formatDateTime(entry.at)],
          ["Who", entry.actor ? `${entry.actor.name} (${entry.actor.email})` : "Nobody signed in"],
          ["How", VIA_WORDS[entry.via] ?? entry.via],
          ["Address", entry.ip ?? "—"],
          [
            "Browser",
            <>
              {entry.browser ?? "—"}
              {entry.user_agent && entry.user_agent !== entry.browser && (
                <Text size="xs" c="dimmed" className={classes.mono}>
                  {entry.user_agent}
                </Text>
              )}
            </>,
          ],
          ["Action", entry.action, "mono"],
          ["Details", entry.detail ? JSON.stringify(entry.detail) : null, "mono"],
        ]}
      />
      <ChangeTable before={entry.before} after={entry.after} />
    </DetailPane>
  );
}

export function AuditLogPage() {
  const [params] = useSearchParams();
  const filters: AuditFilters = useMemo(() => ({ action: params.get("action") ?? undefined, actor: params.get("person") ?? undefined }), [params]);
  const pages = useAuditPages(filters);
  const items = useMemo(() => pages.data?.pages.flatMap((p) => p.items), [pages.data]);
  const collection = useAdminCollection({ query: { ...pages, data: items }, queryKey: auditKeys.list(filters), path: "/admin/audit-log", keepSearch: true });
  return (
    <AdminCollectionPage
      collection={collection}
      description="Sign-ins and failed sign-ins, account, role, token and setting changes, and downloads of raw mail, with the address and browser they came from. Entries are never changed or deleted."
      what="the audit log"
      listLabel="Audit log entries"
      wide
      listHeader={<Filters />}
      list={(all) => (
        <PagedRows query={pages} items={all} empty={filters.action || filters.actor ? "Nothing matches these filters." : "Nothing has been recorded yet."} moreLabel="Show older entries">
          {(e) => (
            <ListRow
              key={e.id}
              to={collection.hrefOf(e)}
              title={e.sentence}
              titleStyle={{ whiteSpace: "normal" }}
              aside={
                e.action === "auth.sign_in_failed" && (
                  <Badge size="xs" color="red" variant="light" style={{ flexShrink: 0 }}>
                    Failed
                  </Badge>
                )
              }
              sub={
                <>
                  <TimeAgo iso={e.at} />
                  {e.ip ? ` · ${e.ip}` : ""}
                  {e.browser ? ` · ${e.browser}` : ""}
                </>
              }
            />
          )}
        </PagedRows>
      )}
      editor={(e) => <EntryDetail key={e.id} entry={e} />}
      noun="entry"
      pick="See who did it, from which address and browser, and what changed from what to what."
      missing={{ title: "This entry is not in the list", text: "Clear the filters, or show older entries, to find it." }}
    />
  );
}

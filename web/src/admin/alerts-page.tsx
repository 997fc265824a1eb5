/**
 * Monitoring alerts: how alerts become incidents (severity → priority, the team, resolving when
 * the alert clears) with an explicit Save, and how to connect a monitoring system: the token of
 * the integration account (shown once when created or rotated), the two endpoint addresses,
 * and ready-to-paste examples for Alertmanager and the generic webhook.
 */
import { ActionIcon, Alert, Anchor, Button, CopyButton, Group, Select, Stack, Table, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy, IconKey, IconPlus, IconRefresh, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PRIORITIES, type AlertSettings, type ApiToken, type Priority, type TokenScope } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { adminKeys, useAdminTeams, useAssignableStaff, useUserTokens } from "../api/admin-queries.ts";
import { createIntegrationToken, mailKeys, revokeToken, saveAlertSettings, useAlertSettings } from "../api/mail.ts";
import { PRIORITY_LABELS } from "../ui/priority-icon.tsx";
import { errorMessage, LoadError } from "../ui/query-state.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { ConfirmDialog, Consequence, Editor, SaveError } from "./layout.tsx";
import { describeScopes, TokenScopePicker } from "./token-scopes.tsx";
import { AdminFormPage, bindDraft, FormHeading, Toggle, useAdminForm } from "./scaffold/index.ts";
import classes from "./admin.module.css";
import mail from "./mail.module.css";

const TOKEN_NAME = "Monitoring alerts";
const PRIORITY_OPTIONS = PRIORITIES.map((p) => ({ value: p, label: `${p} · ${PRIORITY_LABELS[p]}` }));

interface Draft {
  rows: Array<{ severity: string; priority: Priority }>;
  default_priority: Priority;
  resolve_on_resolved: boolean;
  team_id: string | null;
}

const draftOf = (s: AlertSettings): Draft => ({
  rows: Object.entries(s.severity_priorities).map(([severity, priority]) => ({ severity, priority })),
  default_priority: s.default_priority,
  resolve_on_resolved: s.resolve_on_resolved,
  team_id: s.team_id != null ? String(s.team_id) : null,
});

function problemsOf(d: Draft): string | null {
  const seen = new Set<string>();
  for (const r of d.rows) {
    const s = r.severity.trim().toLowerCase();
    if (!s) return "Every row needs a severity, such as critical or warning (or remove the row).";
    if (seen.has(s)) return `The severity “${s}” is listed twice.`;
    seen.add(s);
  }
  return null;
}

/** The severity rows' problem, under the table, before asking the server. */
const checkRows = (d: Draft): Record<string, string> => {
  const problem = problemsOf(d);
  return problem ? { rows: problem } : {};
};

function SettingsEditor({ settings }: { settings: AlertSettings }) {
  const client = useQueryClient();
  const teams = useAdminTeams();
  const base = useMemo(() => draftOf(settings), [settings]);
  const form = useAdminForm({
    base,
    fields: ["team_id", "severity_priorities", "default_priority"],
    check: checkRows,
    save: (d) =>
      saveAlertSettings({
        severity_priorities: Object.fromEntries(d.rows.map((r) => [r.severity.trim().toLowerCase(), r.priority])),
        default_priority: d.default_priority,
        resolve_on_resolved: d.resolve_on_resolved,
        team_id: d.team_id ? Number(d.team_id) : null,
      }),
    draftOf,
    onSaved: (saved) => client.setQueryData(mailKeys.alertSettings, saved),
  });
  const { draft, setDraft } = form;
  const bind = bindDraft(draft, setDraft, form.errors);
  const setRow = (i: number, row: Partial<Draft["rows"][number]>) => setDraft({ ...draft, rows: draft.rows.map((r, j) => (j === i ? { ...r, ...row } : r)) });
  return (
    <Editor label="Alert settings" {...form.editorProps}>
      <FormHeading title="How alerts become incidents">A firing alert opens one incident per alert; while it stays open, repeats are added to it as internal notes.</FormHeading>
      <Stack gap="md">
        <Select
          label="Team for new alert incidents"
          placeholder="No team: they wait in triage"
          clearable
          searchable
          data={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
          {...bind.choice("team_id")}
          maw={360}
        />
        <Toggle
          label="Resolve the incident when the alert clears"
          on="When the monitoring system reports the alert resolved, Tessera notes it and resolves the ticket, saying it cleared on its own."
          off="When the alert clears, Tessera adds a note; an agent resolves the ticket."
          {...bind.checked("resolve_on_resolved")}
        />
        <div>
          <Text size="sm" fw={500}>
            Severity → priority
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            The alert’s severity label (Alertmanager’s <code>severity</code>, or the generic alert’s <code>severity</code>) sets the incident’s priority.
          </Text>
          <Table withRowBorders={false} verticalSpacing={4} horizontalSpacing={6} className={classes.table} maw={520}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {draft.rows.map((r, i) => (
                <Table.Tr key={i}>
                  <Table.Td>
                    <TextInput size="xs" aria-label={`Severity ${i + 1}`} value={r.severity} onChange={(e) => setRow(i, { severity: e.currentTarget.value })} maxLength={40} />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={`Priority for ${r.severity || `severity ${i + 1}`}`}
                      data={PRIORITY_OPTIONS}
                      value={r.priority}
                      onChange={(v) => v && setRow(i, { priority: v as Priority })}
                      allowDeselect={false}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon variant="subtle" color="gray" aria-label={`Remove ${r.severity || "this row"}`} onClick={() => setDraft({ ...draft, rows: draft.rows.filter((_, j) => j !== i) })}>
                      <IconTrash size={14} />
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    Any other severity
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    size="xs"
                    aria-label="Priority for any other severity"
                    data={PRIORITY_OPTIONS}
                    value={draft.default_priority}
                    onChange={(v) => v && setDraft({ ...draft, default_priority: v as Priority })}
                    allowDeselect={false}
                  />
                </Table.Td>
                <Table.Td />
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} mt={4} onClick={() => setDraft({ ...draft, rows: [...draft.rows, { severity: "", priority: "P3" }] })}>
            Add a severity
          </Button>
        </div>
        {form.errors.rows && (
          <Text size="sm" c="red.8" role="alert">
            {form.errors.rows}
          </Text>
        )}
        <SaveError message={form.general} />
      </Stack>
      <Connect />
    </Editor>
  );
}

function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <div style={{ position: "relative" }}>
      <pre className={mail.code} aria-label={label}>
        {value}
      </pre>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? "Copied" : "Copy"}>
            <ActionIcon variant="default" size="sm" onClick={copy} aria-label={`Copy ${label}`} style={{ position: "absolute", top: 6, right: 6 }}>
              {copied ? <IconCheck size={12} /> : <IconCopy size={12} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </div>
  );
}

/** The integration account's token, shown once, and how to point a monitoring system here. */
function Connect() {
  const client = useQueryClient();
  const staff = useAssignableStaff();
  const guess = (staff.data ?? []).find((u) => /alert|monitor|prometheus|integration/i.test(`${u.email} ${u.name}`));
  const [picked, setPicked] = useState<string | null>(null);
  const accountId = picked ? Number(picked) : (guess?.id ?? null);
  const account = (staff.data ?? []).find((u) => u.id === accountId);
  const tokens = useUserTokens(accountId ?? 0, accountId !== null);
  const live = (tokens.data ?? []).filter((t) => !t.revoked_at && t.name === TOKEN_NAME);
  const [shown, setShown] = useState<string | null>(null);
  const [rotating, setRotating] = useState(false);
  // Least privilege by default: the token this page makes only sends alerts unless asked for more.
  const [scopes, setScopes] = useState<TokenScope[]>(["alerts:write"]);
  const issue = useMutation({
    mutationFn: async (replace: ApiToken[]) => {
      const created = await createIntegrationToken(accountId!, TOKEN_NAME, scopes);
      for (const old of replace) await revokeToken(old.id);
      return created;
    },
    onSuccess: (created) => {
      setShown(created.token);
      setRotating(false);
      void client.invalidateQueries({ queryKey: adminKeys.userTokens(accountId!) });
    },
  });
  const base = window.location.origin;
  const token = shown ?? "<token>";
  const amConfig = `receivers:
  - name: tessera
    webhook_configs:
      - url: ${base}/api/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: ${token}`;
  const curl = `curl -s -X POST ${base}/api/alerts/generic \\
  -H "Authorization: Bearer ${token}" \\
  -H "Content-Type: application/json" \\
  -d '{"source": "zabbix", "fingerprint": "disk-db1", "severity": "warning",
       "summary": "Disk 91% full on db1", "details": "/var at 91%", "status": "firing"}'`;
  return (
    <section className={classes.section} aria-labelledby="connect-title">
      <Title order={2} fz={17} mb={4} id="connect-title">
        Connect a monitoring system
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Alerts are sent with the API token of an agent or admin <em>integration account</em>, which becomes the incidents’ requester and gets no mail about them.
      </Text>
      <Stack gap="md">
        <Group align="flex-end" gap="sm">
          <Select
            label="Integration account"
            placeholder={staff.isPending ? "Loading…" : "Pick the account alerts are sent as"}
            searchable
            data={(staff.data ?? []).map((u) => ({ value: String(u.id), label: `${u.name} (${u.email})` }))}
            value={accountId !== null ? String(accountId) : null}
            onChange={(v) => {
              setPicked(v);
              setShown(null);
            }}
            w={360}
          />
          <Anchor component={Link} to="/admin/users/new" size="sm" mb={8}>
            Add an account for it
          </Anchor>
        </Group>
        {account && (
          <div>
            {tokens.isError ? (
              <LoadError error={tokens.error} onRetry={() => void tokens.refetch()} title="Its tokens could not be loaded" />
            ) : shown ? (
              <Alert color="teal" variant="light" icon={<IconKey size={18} />} title="The new token: copy it now" role="status">
                <Text size="sm" mb="xs">
                  This is the only time it is shown. Put it in your monitoring system’s configuration; Tessera keeps only a hash of it.
                </Text>
                <Copyable value={shown} label="the token" />
              </Alert>
            ) : (
              <Stack gap="sm">
                <Group gap="sm">
                  <Text size="sm">
                    {live.length === 0 ? (
                      <>
                        {account.name} has no “{TOKEN_NAME}” token yet.
                      </>
                    ) : (
                      <>
                        {account.name} has a “{TOKEN_NAME}” token, created <TimeAgo iso={live[live.length - 1].created_at} />
                        {live[live.length - 1].last_used_at ? (
                          <>
                            , last used <TimeAgo iso={live[live.length - 1].last_used_at!} />
                          </>
                        ) : (
                          ", never used yet"
                        )}
                        . It may {describeScopes(live[live.length - 1].scopes)}.
                      </>
                    )}
                  </Text>
                  {live.length === 0 ? (
                    <Button size="xs" leftSection={<IconKey size={14} />} onClick={() => issue.mutate([])} loading={issue.isPending} disabled={tokens.isPending || scopes.length === 0}>
                      Create token
                    </Button>
                  ) : (
                    <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={() => setRotating(true)} disabled={scopes.length === 0}>
                      Rotate token
                    </Button>
                  )}
                </Group>
                <TokenScopePicker role={account.role} value={scopes} onChange={setScopes} />
              </Stack>
            )}
            {issue.error && !rotating ? (
              <Text size="sm" c="red.8" role="alert" mt="xs">
                {errorMessage(issue.error)}
              </Text>
            ) : null}
          </div>
        )}
        <div>
          <Text size="sm" fw={500} mb={4}>
            Prometheus Alertmanager
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            In alertmanager.yml, then route the alerts you want to the <code>tessera</code> receiver.
          </Text>
          <Copyable value={amConfig} label="the Alertmanager configuration" />
        </div>
        <div>
          <Text size="sm" fw={500} mb={4}>
            Any other tool: the generic webhook
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            One incident per source and fingerprint. Send <code>"status": "resolved"</code> with the same fingerprint when the problem is over.
          </Text>
          <Copyable value={curl} label="the curl example" />
        </div>
      </Stack>
      <ConfirmDialog
        opened={rotating}
        title="Rotate the alert token?"
        confirmLabel="Rotate token"
        color="orange"
        onConfirm={() => issue.mutate(live)}
        onClose={() => {
          setRotating(false);
          issue.reset();
        }}
        busy={issue.isPending}
        error={issue.error}
      >
        <Stack gap="sm">
          <Consequence icon={<IconKey size={16} />}>A new token is created and shown once.</Consequence>
          <Consequence icon={<IconTrash size={16} />}>The current one stops working at once: alerts sent with it are refused until the monitoring system has the new token.</Consequence>
        </Stack>
      </ConfirmDialog>
    </section>
  );
}

export function AlertsPage() {
  return (
    <AdminFormPage
      title="Monitoring alerts"
      description="Alerts from Prometheus Alertmanager, Zabbix or any tool that can call a webhook become incidents, one per alert."
      query={useAlertSettings()}
      failed="Alert settings could not be loaded"
    >
      {(settings) => <SettingsEditor settings={settings} />}
    </AdminFormPage>
  );
}

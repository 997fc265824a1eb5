/**
 * Mailboxes: the addresses Tessera takes mail at. The list shows each one's health at a glance
 * (last successful fetch, lag, messages waiting, the last error; red when failing or lagging);
 * the editor holds the address, where its new tickets go, the IMAP settings (the password is
 * write-only), what happens to processed mail, whether old mail is imported, and who may write.
 */
import { Alert, Anchor, Button, Group, NumberInput, PasswordInput, Radio, Select, Skeleton, Stack, Switch, Text, Textarea, TextInput, Title } from "@mantine/core";
import { IconAlertTriangle, IconInbox, IconKey, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TICKET_TYPES, type Mailbox, type MailboxHealth, type MailboxUpdateInput, type TicketType } from "@tessera/contracts";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useAdminCategories, useAdminTeams } from "../api/admin-queries.ts";
import { createMailbox, deleteMailbox, formatLag, mailKeys, updateMailbox, useMailboxes, useMailboxHealth } from "../api/mail.ts";
import { formatDateTime } from "../ui/format.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { TYPE_NAMES } from "./categories-page.tsx";
import { AdminPage, announce, ConfirmDialog, Consequence, Editor, EmptyEditor, formErrors, RowLink, same, SaveError, Split, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import { looksLikeEmail } from "./people.ts";
import classes from "./admin.module.css";
import mail from "./mail.module.css";

/** Waiting longer than this is lagging, shown in red. */
const LAG_ALERT_SECONDS = 15 * 60;

const STATUS_WORDS: Record<MailboxHealth["status"], string> = {
  ok: "Fetching",
  error: "Failing",
  stale: "Not fetched lately",
  pending: "Not fetched yet",
  smtp_only: "Receives by SMTP or pipe",
  inactive: "Switched off",
};

export function healthTone(h: MailboxHealth | undefined): "ok" | "bad" | "wait" | "off" {
  if (!h) return "off";
  if (h.status === "error" || h.status === "stale" || h.lag_seconds > LAG_ALERT_SECONDS) return "bad";
  if (h.status === "ok" || h.status === "smtp_only") return "ok";
  if (h.status === "pending") return "wait";
  return "off";
}

export function HealthBadge({ health, loading = false }: { health: MailboxHealth | undefined; loading?: boolean }) {
  const tone = healthTone(health);
  const word = !health ? (loading ? "Checking…" : "Unknown") : health.status === "ok" && tone === "bad" ? "Lagging" : STATUS_WORDS[health.status];
  return (
    <span className={mail.health} data-tone={tone}>
      <span className={mail.healthDot} aria-hidden="true" />
      {word}
    </span>
  );
}

/** "Fetched 3 min ago · 2 waiting (oldest 4 min)". */
function HealthLine({ health }: { health: MailboxHealth }) {
  if (health.status === "smtp_only" || health.status === "inactive") return null;
  const bad = healthTone(health) === "bad";
  return (
    <span className={mail.healthLine} data-bad={bad || undefined}>
      <span>{health.last_success_at ? <TimeAgo iso={health.last_success_at} prefix="Fetched" /> : "Never fetched"}</span>
      {health.waiting > 0 && (
        <span>
          {health.waiting} waiting (oldest {formatLag(health.lag_seconds)})
        </span>
      )}
    </span>
  );
}

interface Draft {
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

const EMPTY: Draft = {
  address: "", name: "", active: true, team_id: null, category_id: null, ticket_type: null, imap: false, host: "", port: "", tls: true, user: "", password: "", folder: "INBOX",
  processed_action: "seen", processed_folder: "", history_mode: "new_only", restrict_senders: false, allowed_senders: "",
};

const draftOf = (m: Mailbox): Draft => ({
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

const senderList = (s: string) => [...new Set(s.split(/[\s,;]+/).map((x) => x.trim().toLowerCase()).filter(Boolean))];

function inputOf(d: Draft): MailboxUpdateInput & { address: string; name: string } {
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

function check(d: Draft, hasStoredPassword: boolean): Record<string, string> {
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

const FIELDS = ["address", "name", "active", "team_id", "category_id", "ticket_type", "imap.host", "imap.port", "imap.user", "imap.password", "imap.folder", "imap", "processed_action", "processed_folder", "history_mode", "restrict_senders", "allowed_senders"];

function MailboxFields({ draft, setDraft, errors, stored }: { draft: Draft; setDraft: (d: Draft) => void; errors: Record<string, string>; stored?: Mailbox }) {
  const teams = useAdminTeams();
  const categories = useAdminCategories();
  const [changingPassword, setChangingPassword] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft({ ...draft, [k]: v });
  const hasPassword = !!stored?.imap?.has_password;
  const firstConnection = !stored?.imap;
  return (
    <Stack gap="md">
      <Group grow align="flex-start">
        <TextInput label="Address" required placeholder="help@example.com" value={draft.address} onChange={(e) => set("address", e.currentTarget.value)} error={errors.address} maxLength={254} data-autofocus />
        <TextInput label="Name" required placeholder="IT Service Desk" value={draft.name} onChange={(e) => set("name", e.currentTarget.value)} error={errors.name} maxLength={200} />
      </Group>
      <Switch
        label="Take mail at this address"
        description={draft.active ? "New mail opens tickets and adds replies." : "Mail to this address is refused (SMTP) or left on the server (IMAP)."}
        checked={draft.active}
        onChange={(e) => set("active", e.currentTarget.checked)}
      />

      <div className={classes.section}>
        <Title order={3} fz="sm" mb={4}>
          New tickets from this address
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          Replies keep their ticket’s team and category; these apply to new requests only.
        </Text>
        <Group grow align="flex-start">
          <Select
            label="Team"
            placeholder="No team: triage"
            clearable
            searchable
            data={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
            value={draft.team_id}
            onChange={(v) => set("team_id", v)}
            error={errors.team_id}
          />
          <Select
            label="Category"
            placeholder="None"
            clearable
            searchable
            data={(categories.data ?? []).filter((c) => c.active || String(c.id) === draft.category_id).map((c) => ({ value: String(c.id), label: c.path }))}
            value={draft.category_id}
            onChange={(v) => set("category_id", v)}
            error={errors.category_id}
          />
          <Select
            label="Ticket type"
            placeholder="From the category"
            clearable
            data={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_NAMES[t] }))}
            value={draft.ticket_type}
            onChange={(v) => set("ticket_type", v)}
            error={errors.ticket_type}
          />
        </Group>
      </div>

      <div className={classes.section}>
        <Switch
          label="Fetch mail from an IMAP server"
          description={
            draft.imap
              ? "Tessera signs in to the mailbox, takes new mail as soon as the server announces it, and otherwise checks every minute."
              : "Off: mail reaches this address through Tessera’s SMTP listener or your mail server’s pipe (see the README)."
          }
          checked={draft.imap}
          onChange={(e) => set("imap", e.currentTarget.checked)}
          error={errors.imap}
        />
        {draft.imap && (
          <Stack gap="sm" mt="md">
            <Group grow align="flex-start">
              <TextInput label="Server" required placeholder="imap.example.com" value={draft.host} onChange={(e) => set("host", e.currentTarget.value)} error={errors["imap.host"]} maxLength={253} />
              <NumberInput label="Port" placeholder={draft.tls ? "993" : "143"} min={1} max={65535} value={draft.port} onChange={(v) => set("port", typeof v === "number" ? v : "")} error={errors["imap.port"]} maw={140} />
            </Group>
            <Switch label="Encrypted connection (TLS)" checked={draft.tls} onChange={(e) => set("tls", e.currentTarget.checked)} />
            <Group grow align="flex-start">
              <TextInput label="User name" required autoComplete="off" value={draft.user} onChange={(e) => set("user", e.currentTarget.value)} error={errors["imap.user"]} maxLength={254} />
              {hasPassword && !changingPassword ? (
                <div>
                  <Text size="sm" fw={500} mb={4}>
                    Password
                  </Text>
                  <Group gap="xs">
                    <Text size="sm" c="dimmed">
                      <IconKey size={14} aria-hidden="true" style={{ verticalAlign: -2, marginRight: 4 }} />
                      Set (never shown)
                    </Text>
                    <Button size="xs" variant="default" onClick={() => setChangingPassword(true)}>
                      Change
                    </Button>
                  </Group>
                </div>
              ) : (
                <PasswordInput
                  label={hasPassword ? "New password" : "Password"}
                  required={!hasPassword}
                  description={hasPassword ? "Leave empty to keep the stored one." : "Stored sealed; it is never shown again."}
                  autoComplete="new-password"
                  value={draft.password}
                  onChange={(e) => set("password", e.currentTarget.value)}
                  error={errors["imap.password"]}
                  maxLength={1000}
                />
              )}
            </Group>
            <TextInput label="Folder" value={draft.folder} onChange={(e) => set("folder", e.currentTarget.value)} error={errors["imap.folder"]} maxLength={200} maw={280} />
            <Radio.Group label="After a message is taken in" value={draft.processed_action} onChange={(v) => set("processed_action", v as Draft["processed_action"])} error={errors.processed_action}>
              <Stack gap={6} mt={6}>
                <Radio value="seen" label="Mark it as read and leave it in the folder" />
                <Radio value="move" label="Move it to another folder" />
              </Stack>
            </Radio.Group>
            {draft.processed_action === "move" && (
              <TextInput label="Move to folder" required placeholder="Processed" value={draft.processed_folder} onChange={(e) => set("processed_folder", e.currentTarget.value)} error={errors.processed_folder} maxLength={200} maw={280} />
            )}
            <Radio.Group
              label="Mail already in the mailbox"
              description={firstConnection ? "Decided once, when Tessera first connects." : "Decided at the first connection; changing it now affects nothing already fetched."}
              value={draft.history_mode}
              onChange={(v) => set("history_mode", v as Draft["history_mode"])}
              error={errors.history_mode}
            >
              <Stack gap={8} mt={8}>
                <Radio value="new_only" label="Only new mail" description="Messages already there are left alone; tickets start with the next message that arrives." />
                <Radio
                  value="import"
                  label="Import it too"
                  description="Every message already there becomes a ticket (or a reply), with its original date. Nobody is mailed about imported messages."
                />
              </Stack>
            </Radio.Group>
          </Stack>
        )}
      </div>

      <div className={classes.section}>
        <Switch
          label="Only known senders may open tickets"
          description={
            draft.restrict_senders
              ? "People Tessera already knows, and the addresses and domains below, may open tickets here. Others are refused, or kept as failed mail when fetched over IMAP. Replies on existing tickets are not affected."
              : "Anyone may open a ticket by writing to this address."
          }
          checked={draft.restrict_senders}
          onChange={(e) => set("restrict_senders", e.currentTarget.checked)}
        />
        {draft.restrict_senders && (
          <Textarea
            mt="sm"
            label="Also allowed"
            description="One address (ann@example.com) or domain (example.com) per line."
            autosize
            minRows={3}
            maxRows={10}
            value={draft.allowed_senders}
            onChange={(e) => set("allowed_senders", e.currentTarget.value)}
            error={errors.allowed_senders}
          />
        )}
      </div>
    </Stack>
  );
}

function HealthPanel({ health }: { health: MailboxHealth | undefined }) {
  if (!health) return null;
  const tone = healthTone(health);
  return (
    <section aria-label="Mailbox health">
      <Alert
        role="status"
        color={tone === "bad" ? "red" : tone === "ok" ? "teal" : "gray"}
        variant="light"
        mb="md"
        icon={tone === "bad" ? <IconAlertTriangle size={18} /> : <IconInbox size={18} />}
        title={<HealthBadge health={health} />}
      >
        <dl className={mail.facts}>
          <dt>Last successful fetch</dt>
          <dd>{health.last_success_at ? formatDateTime(health.last_success_at) : health.status === "smtp_only" ? "Nothing to fetch: mail is delivered to Tessera" : "Never"}</dd>
          <dt>Waiting</dt>
          <dd>{health.waiting ? `${health.waiting} ${health.waiting === 1 ? "message" : "messages"}, the oldest for ${formatLag(health.lag_seconds)}` : "Nothing"}</dd>
          {health.last_error && (
            <>
              <dt>Last error</dt>
              <dd>
                {health.last_error}
                {health.last_error_at ? ` (${formatDateTime(health.last_error_at)})` : ""}
              </dd>
            </>
          )}
        </dl>
      </Alert>
    </section>
  );
}

function MailboxEditor({ mailbox, health }: { mailbox: Mailbox; health: MailboxHealth | undefined }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const base = useMemo(() => draftOf(mailbox), [mailbox]);
  const [draft, setDraft] = useState(base);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState(false);
  const [justSaved, markSaved] = useJustSaved();
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const save = useMutation({
    mutationFn: () => updateMailbox(mailbox.id, inputOf(draft)),
    onSuccess: (saved) => {
      client.setQueryData<Mailbox[]>(mailKeys.mailboxes, (all) => all?.map((m) => (m.id === saved.id ? saved : m)));
      void client.invalidateQueries({ queryKey: mailKeys.health });
      setDraft(draftOf(saved));
      markSaved();
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteMailbox(mailbox.id),
    onSuccess: () => {
      client.setQueryData<Mailbox[]>(mailKeys.mailboxes, (all) => all?.filter((m) => m.id !== mailbox.id));
      void client.invalidateQueries({ queryKey: mailKeys.health });
      announce(`${mailbox.address} was removed. Its tickets and received mail stay.`);
      guard.allow();
      navigate("/admin/mailboxes");
    },
  });
  const errors = formErrors(save.error, FIELDS, "address");
  return (
    <Editor
      label={`Edit mailbox ${mailbox.address}`}
      dirty={dirty}
      saving={save.isPending}
      onSubmit={() => {
        const found = check(draft, !!mailbox.imap?.has_password);
        setLocal(found);
        if (!Object.keys(found).length) save.mutate();
      }}
      onRevert={() => {
        setDraft(base);
        setLocal({});
        save.reset();
      }}
      backTo="/admin/mailboxes"
      backLabel="All mailboxes"
      guard={guard}
      justSaved={justSaved}
    >
      <Group justify="space-between" mb="md" align="flex-start">
        <div>
          <Title order={2} fz={17}>
            {mailbox.address}
          </Title>
          <Text size="sm" c="dimmed">
            {mailbox.name}
          </Text>
        </div>
        <Button variant="subtle" color="red" size="xs" leftSection={<IconTrash size={14} />} onClick={() => setRemoving(true)}>
          Remove mailbox
        </Button>
      </Group>
      <HealthPanel health={health} />
      <MailboxFields key={mailbox.updated_at} draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} stored={mailbox} />
      <SaveError message={errors.general} />
      <ConfirmDialog
        opened={removing}
        title={`Remove ${mailbox.address}?`}
        confirmLabel="Remove mailbox"
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setRemoving(false);
          remove.reset();
        }}
        busy={remove.isPending}
        error={remove.error}
      >
        <Stack gap="sm">
          <Consequence icon={<IconInbox size={16} />}>
            Tessera stops taking mail at this address{mailbox.imap ? ` and stops fetching from ${mailbox.imap.host}` : ""}. Mail sent to it afterwards is refused.
          </Consequence>
          <Consequence icon={<IconKey size={16} />}>Its tickets, their conversations and the mail already received stay as they are.</Consequence>
        </Stack>
      </ConfirmDialog>
    </Editor>
  );
}

function NewMailboxEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(EMPTY);
  const [local, setLocal] = useState<Record<string, string>>({});
  const dirty = !same(draft, EMPTY);
  const guard = useUnsavedGuard(dirty);
  const create = useMutation({
    mutationFn: () => createMailbox(inputOf(draft)),
    onSuccess: (m) => {
      client.setQueryData<Mailbox[]>(mailKeys.mailboxes, (all) => (all ? [...all, m].sort((a, b) => a.address.localeCompare(b.address)) : all));
      void client.invalidateQueries({ queryKey: mailKeys.health });
      announce(`${m.address} was added.`);
      guard.allow();
      navigate(`/admin/mailboxes/${m.id}`);
    },
  });
  const errors = formErrors(create.error, FIELDS, "address");
  return (
    <Editor
      label="New mailbox"
      dirty={dirty}
      saving={create.isPending}
      saveLabel="Add mailbox"
      onSubmit={() => {
        const found = check(draft, false);
        setLocal(found);
        if (!Object.keys(found).length) create.mutate();
      }}
      backTo="/admin/mailboxes"
      backLabel="All mailboxes"
      guard={guard}
    >
      <Title order={2} fz={17} mb={4}>
        New mailbox
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        An address people write to for help. Each message from someone new opens a ticket; replies join theirs.
      </Text>
      <MailboxFields draft={draft} setDraft={setDraft} errors={{ ...errors.fields, ...local }} />
      <SaveError title="The mailbox was not added" message={errors.general} />
    </Editor>
  );
}

export function MailboxesPage() {
  const { mailboxId } = useParams();
  const mailboxes = useMailboxes();
  const health = useMailboxHealth();
  const healthOf = (id: number) => health.data?.find((h) => h.mailbox_id === id);
  const selected = mailboxId && mailboxId !== "new" ? (mailboxes.data ?? []).find((m) => String(m.id) === mailboxId) : undefined;
  const failing = (health.data ?? []).filter((h) => healthTone(h) === "bad").length;
  let editor;
  if (mailboxId === "new") editor = <NewMailboxEditor />;
  else if (mailboxId && mailboxes.isPending) editor = <Stack p="lg"><Skeleton height={36} /><Skeleton height={120} /></Stack>;
  else if (selected) editor = <MailboxEditor key={selected.id} mailbox={selected} health={healthOf(selected.id)} />;
  else if (mailboxId && mailboxes.data)
    editor = (
      <EmptyEditor icon={<IconInbox size={32} stroke={1.5} />} title="This mailbox does not exist">
        Pick another one from the list.
      </EmptyEditor>
    );
  else
    editor = (
      <EmptyEditor icon={<IconInbox size={32} stroke={1.5} />} title="Pick a mailbox">
        Change where its tickets go, its IMAP settings, or who may write to it. Failing or lagging mailboxes are marked red in the list.
      </EmptyEditor>
    );
  return (
    <AdminPage
      title="Mailboxes"
      description={
        <>
          The addresses Tessera takes mail at. Messages that could not be read are under{" "}
          <Anchor component={Link} to="/admin/failed-mail" size="sm">
            Failed mail
          </Anchor>
          .
        </>
      }
      actions={
        <Button component={Link} to="/admin/mailboxes/new" leftSection={<IconPlus size={16} />}>
          Add mailbox
        </Button>
      }
    >
      <Split
        listLabel="Mailbox list"
        selected={!!mailboxId}
        list={
          mailboxes.isPending ? (
            <div style={{ padding: 12 }}><ListSkeleton label="Loading mailboxes" /></div>
          ) : mailboxes.isError ? (
            <div style={{ padding: 12 }}><LoadError title="Mailboxes could not be loaded" error={mailboxes.error} onRetry={() => void mailboxes.refetch()} /></div>
          ) : mailboxes.data.length === 0 ? (
            <Text size="sm" c="dimmed" p="md">
              No mailboxes yet. Add the address people write to for help, such as help@ or it-support@ at your domain.
            </Text>
          ) : (
            <>
              {failing > 0 && (
                <Alert color="red" variant="light" m="xs" icon={<IconAlertTriangle size={16} />} role="status">
                  {failing === 1 ? "One mailbox is failing or lagging." : `${failing} mailboxes are failing or lagging.`}
                </Alert>
              )}
              {health.isError && (
                <Text size="xs" c="red.8" px="md" pt="xs">
                  Health could not be loaded just now.
                </Text>
              )}
              <ul className={classes.rows}>
                {mailboxes.data.map((m) => {
                  const h = healthOf(m.id);
                  return (
                    <RowLink key={m.id} to={`/admin/mailboxes/${m.id}`} inactive={!m.active}>
                      <div className={classes.rowMain}>
                        <Group gap={8} justify="space-between" wrap="nowrap">
                          <div className={classes.rowTitle}>{m.address}</div>
                          <HealthBadge health={h} loading={health.isPending || health.isFetching} />
                        </Group>
                        <div className={classes.rowSub}>
                          {m.name}
                          {m.imap ? ` · IMAP ${m.imap.host}` : " · SMTP / pipe"}
                        </div>
                        {h && <HealthLine health={h} />}
                        {h?.last_error && <div className={mail.rowError}>{h.last_error}</div>}
                      </div>
                    </RowLink>
                  );
                })}
              </ul>
            </>
          )
        }
        editor={editor}
      />
    </AdminPage>
  );
}

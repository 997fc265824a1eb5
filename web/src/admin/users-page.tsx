/**
 * Users and roles: everyone with an account, searchable by name or email and filtered by role
 * and status; an editor for name, role, organization and password; disabling (which ends the
 * person's sessions and API tokens at once) and enabling.
 */
import { Alert, Avatar, Badge, Button, Group, PasswordInput, Select, Skeleton, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertTriangle, IconKey, IconLockOpen, IconPlugConnectedX, IconSearch, IconTicket, IconUserOff, IconUserPlus, IconUsers, IconUsersGroup } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Role, User, UserUpdateInput } from "@tessera/contracts";
import { useEffect, useMemo, useState } from "react";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router";
import { createUser, updateUser, type UserFilters } from "../api/admin.ts";
import { adminKeys, refreshPeople, UNFINISHED, useAdminUser, useOrganizations, useTicketCount, useUserPages, useUserTokens } from "../api/admin-queries.ts";
import { useSignedInUser } from "../api/queries.ts";
import { initials } from "../ui/format.ts";
import { LoadError } from "../ui/query-state.tsx";
import { TimeAgo } from "../ui/time-ago.tsx";
import { AdminPage, announce, ConfirmDialog, Consequence, Editor, EmptyEditor, formErrors, same, SaveError, Split, useJustSaved, useUnsavedGuard } from "./layout.tsx";
import { looksLikeEmail, plural, ROLE_HELP, ROLE_LABELS, ROLE_OPTIONS } from "./people.ts";
import classes from "./admin.module.css";

const ROLE_FILTERS = [
  { value: "", label: "Any role" },
  { value: "staff", label: "Staff (not requesters)" },
  ...ROLE_OPTIONS,
];
const STATUS_FILTERS = [
  { value: "", label: "Active and disabled" },
  { value: "true", label: "Active" },
  { value: "false", label: "Disabled" },
];

function StatusBadge({ active }: { active: boolean }) {
  return (
    <span className={classes.state} data-disabled={!active || undefined}>
      <span className={classes.stateDot} aria-hidden="true" />
      {active ? "Active" : "Disabled"}
    </span>
  );
}

function TeamsCell({ teams }: { teams: User["teams"] }) {
  if (teams.length === 0) return <Text span size="sm" c="dimmed">—</Text>;
  const [first, ...rest] = teams;
  return (
    <Text span size="sm" title={teams.map((t) => t.name).join(", ")} className={classes.nowrap}>
      {first.name}
      {rest.length > 0 && <Text span c="dimmed" size="sm">{` +${rest.length}`}</Text>}
    </Text>
  );
}

function UserTable({ filters, selectedId }: { filters: UserFilters; selectedId: number | null }) {
  const pages = useUserPages(filters);
  const navigate = useNavigate();
  const { search } = useLocation();
  const users = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  if (pages.isPending) {
    return (
      <Stack gap={6} p="md" aria-busy="true" aria-label="Loading people">
        {Array.from({ length: 6 }, (_, i) => <Skeleton key={i} height={40} />)}
      </Stack>
    );
  }
  if (pages.isError) return <div style={{ padding: 16 }}><LoadError title="People could not be loaded" error={pages.error} onRetry={() => void pages.refetch()} /></div>;
  if (users.length === 0) {
    return (
      <Stack p="xl" align="center" gap={4}>
        <Text fw={500} size="sm">Nobody matches</Text>
        <Text size="sm" c="dimmed" ta="center">
          {filters.q ? `No one is called or has an email with “${filters.q}”` : "No one has this role and status"}. Change the search or the filters.
        </Text>
      </Stack>
    );
  }
  return (
    <>
      <Table className={classes.table} verticalSpacing={8} horizontalSpacing="sm" stickyHeader aria-label="People">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Teams</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((u) => (
            <Table.Tr
              key={u.id}
              className={classes.tableRow}
              aria-selected={u.id === selectedId}
              data-inactive={!u.active || undefined}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("a")) return;
                navigate(`/admin/users/${u.id}${search}`);
              }}
            >
              <Table.Td>
                <Link to={`/admin/users/${u.id}${search}`} className={classes.nameLink} aria-current={u.id === selectedId ? "page" : undefined}>
                  {u.name}
                </Link>
                <span className={classes.cellSub}>{u.email}</span>
              </Table.Td>
              <Table.Td>{ROLE_LABELS[u.role]}</Table.Td>
              <Table.Td>
                <TeamsCell teams={u.teams} />
              </Table.Td>
              <Table.Td>
                <StatusBadge active={u.active} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {u.last_login_at ? <TimeAgo iso={u.last_login_at} /> : <Text span size="sm" c="dimmed">Never</Text>}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {pages.hasNextPage && (
        <Group justify="center" p="md">
          <Button variant="default" size="xs" onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
            Show more people
          </Button>
        </Group>
      )}
    </>
  );
}

function UserFiltersBar() {
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [debounced] = useDebouncedValue(q.trim(), 250);
  // The search box follows the address when it changes from outside (the settings search).
  const fromUrl = params.get("q") ?? "";
  useEffect(() => setQ((typed) => (typed.trim() === fromUrl ? typed : fromUrl)), [fromUrl]);
  useEffect(() => {
    if (debounced === (params.get("q") ?? "")) return;
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (debounced) next.set("q", debounced);
      else next.delete("q");
      return next;
    }, { replace: true });
  }, [debounced, params, setParams]);
  const set = (key: string, value: string | null) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    }, { replace: true });
  return (
    <Group gap="xs" p="sm" wrap="wrap" style={{ borderBottom: "1px solid var(--app-border)" }}>
      <TextInput
        aria-label="Search people"
        placeholder="Search by name or email"
        leftSection={<IconSearch size={14} aria-hidden="true" />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        style={{ flex: "1 1 200px" }}
        size="sm"
      />
      <Select aria-label="Filter by role" data={ROLE_FILTERS} value={params.get("role") ?? ""} onChange={(v) => set("role", v)} allowDeselect={false} w={180} size="sm" comboboxProps={{ withinPortal: true }} />
      <Select aria-label="Filter by status" data={STATUS_FILTERS} value={params.get("active") ?? ""} onChange={(v) => set("active", v)} allowDeselect={false} w={170} size="sm" comboboxProps={{ withinPortal: true }} />
    </Group>
  );
}

interface UserDraft {
  name: string;
  role: Role;
  organization_id: string | null;
  password: string;
}

const draftOf = (u: User): UserDraft => ({ name: u.name, role: u.role, organization_id: u.organization ? String(u.organization.id) : null, password: "" });

function OrganizationSelect({ value, onChange, error, description }: { value: string | null; onChange: (v: string | null) => void; error?: string; description?: string }) {
  const orgs = useOrganizations();
  return (
    <Select
      label="Organization"
      description={description}
      placeholder={orgs.isPending ? "Loading organizations…" : "No organization"}
      data={(orgs.data ?? []).map((o) => ({ value: String(o.id), label: o.domain ? `${o.name} (${o.domain})` : o.name }))}
      value={value}
      onChange={onChange}
      searchable
      clearable
      nothingFoundMessage="No organization by that name"
      error={error ?? (orgs.isError ? "Organizations could not be loaded" : undefined)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

/** Disabling: says at once what ends and what stays, counted, before anything happens. */
function DisableDialog({ user, opened, onClose }: { user: User; opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const tickets = useTicketCount({ assignee: String(user.id), status_category: UNFINISHED }, opened);
  const tokens = useUserTokens(user.id, opened);
  const liveTokens = (tokens.data ?? []).filter((t) => !t.revoked_at);
  const disable = useMutation({
    mutationFn: () => updateUser(user.id, { active: false }),
    onSuccess: (saved) => {
      client.setQueryData(adminKeys.user(saved.id), saved);
      refreshPeople(client);
      announce("They were signed out everywhere and can no longer sign in.", `${saved.name} is disabled`);
      onClose();
    },
  });
  return (
    <ConfirmDialog
      opened={opened}
      onClose={() => {
        disable.reset();
        onClose();
      }}
      title={`Disable ${user.name}?`}
      confirmLabel="Disable account"
      onConfirm={() => disable.mutate()}
      busy={disable.isPending}
      error={disable.error}
    >
      <Stack gap="sm">
        <Consequence icon={<IconPlugConnectedX size={16} />}>
          <strong>Their sessions and API tokens end at once.</strong> They are signed out on every device, and integrations using their tokens stop working
          {tokens.data ? ` (${plural(liveTokens.length, "active token")}${liveTokens.length ? `: ${liveTokens.map((t) => t.name).join(", ")}` : ""})` : ""}.
          Tokens stay revoked if you enable the account again.
        </Consequence>
        <Consequence icon={<IconKey size={16} />}>They cannot sign in until an admin enables the account again.</Consequence>
        {user.role !== "requester" && (
          <Consequence icon={<IconTicket size={16} />}>
            {tickets.isPending ? (
              "Counting the tickets assigned to them…"
            ) : tickets.isError ? (
              "The tickets assigned to them could not be counted."
            ) : tickets.data!.count === 0 ? (
              "No unfinished tickets are assigned to them."
            ) : (
              <>
                <strong>{plural(tickets.data!.count, "unfinished ticket")}</strong>{" "}
                {tickets.data!.count === 1 ? "is assigned to them and stays assigned: reassign it" : "are assigned to them and stay assigned: reassign them"} in the agent
                workspace.
              </>
            )}
          </Consequence>
        )}
        {user.teams.length > 0 && (
          <Consequence icon={<IconUsersGroup size={16} />}>
            They stay a member of {user.teams.map((t) => t.name).join(", ")} until you remove them on the Teams page.
          </Consequence>
        )}
      </Stack>
    </ConfirmDialog>
  );
}

function AccountSection({ user, self }: { user: User; self: boolean }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const enable = useMutation({
    mutationFn: () => updateUser(user.id, { active: true }),
    onSuccess: (saved) => {
      client.setQueryData(adminKeys.user(saved.id), saved);
      refreshPeople(client);
      announce("They can sign in again.", `${saved.name} is enabled`);
    },
  });
  return (
    <div className={classes.section}>
      <Title order={2} fz="sm" mb={4}>
        Account
      </Title>
      {user.active ? (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            A disabled person cannot sign in; their sessions and API tokens end at once. Their tickets and history stay.
          </Text>
          <Button variant="light" color="red" leftSection={<IconUserOff size={16} />} onClick={() => setConfirming(true)} disabled={self}>
            Disable account…
          </Button>
          {self && (
            <Text size="xs" c="dimmed" mt={6}>
              You cannot disable your own account.
            </Text>
          )}
          <DisableDialog user={user} opened={confirming} onClose={() => setConfirming(false)} />
        </>
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="sm">
            This account is disabled: {user.name} cannot sign in. Enabling lets them sign in again with their password; API tokens that ended stay revoked.
          </Text>
          <Button variant="default" leftSection={<IconLockOpen size={16} />} onClick={() => enable.mutate()} loading={enable.isPending}>
            Enable account
          </Button>
          <SaveError title="Not enabled" message={enable.error ? (formErrors(enable.error, []).general) : null} />
        </>
      )}
    </div>
  );
}

function UserEditor({ user }: { user: User }) {
  const me = useSignedInUser();
  const self = me.id === user.id;
  const client = useQueryClient();
  const base = useMemo(() => draftOf(user), [user]);
  const [draft, setDraft] = useState(base);
  const [justSaved, markSaved] = useJustSaved();
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (changes: UserUpdateInput) => updateUser(user.id, changes),
    onSuccess: (saved, changes) => {
      client.setQueryData(adminKeys.user(saved.id), saved);
      refreshPeople(client);
      setDraft(draftOf(saved));
      markSaved();
      if (changes.password || changes.role) {
        const what = [changes.password && "the new password is set", changes.role && `the role is now ${ROLE_LABELS[saved.role].toLowerCase()}`].filter(Boolean).join(" and ");
        announce(`For ${saved.name}, ${what}. They were signed out everywhere.`);
      }
    },
  });
  const errors = { ...formErrors(save.error, ["name", "role", "organization_id", "password"]), };
  const fieldError = (k: string) => localErrors[k] ?? errors.fields[k];

  const submit = () => {
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = "Give a name";
    if (draft.password && draft.password.length < 8) found.password = "At least 8 characters";
    setLocalErrors(found);
    if (Object.keys(found).length) return;
    const changes: UserUpdateInput = {};
    if (draft.name.trim() !== user.name) changes.name = draft.name.trim();
    if (draft.role !== user.role) changes.role = draft.role;
    if (draft.organization_id !== base.organization_id) changes.organization_id = draft.organization_id ? Number(draft.organization_id) : null;
    if (draft.password) changes.password = draft.password;
    save.mutate(changes);
  };

  return (
    <Editor
      label={`Edit ${user.name}`}
      dirty={dirty}
      saving={save.isPending}
      onSubmit={submit}
      onRevert={() => {
        setDraft(base);
        setLocalErrors({});
        save.reset();
      }}
      backTo="/admin/users"
      backLabel="All people"
      guard={guard}
      justSaved={justSaved}
    >
      <Group gap="sm" mb="lg" wrap="nowrap" align="flex-start">
        <Avatar size={40} radius="xl" color="indigo" variant="light">
          {initials(user.name)}
        </Avatar>
        <div style={{ minWidth: 0 }}>
          <Group gap={8} wrap="nowrap">
            <Title order={2} fz={17} lineClamp={1}>
              {user.name}
            </Title>
            <StatusBadge active={user.active} />
          </Group>
          <Text size="sm" c="dimmed" truncate title="Their sign-in email; it cannot be changed here">
            {user.email}
          </Text>
          <Text size="xs" c="dimmed" mt={2}>
            {user.last_login_at ? <TimeAgo iso={user.last_login_at} prefix="Last signed in" /> : "Has never signed in"}
          </Text>
        </div>
      </Group>
      <Stack gap="md">
        <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={fieldError("name")} maxLength={200} />
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={draft.role}
          onChange={(v) => v && setDraft({ ...draft, role: v as Role })}
          allowDeselect={false}
          disabled={self}
          description={self ? "You cannot change your own role." : ROLE_HELP[draft.role]}
          error={fieldError("role")}
          comboboxProps={{ withinPortal: true }}
        />
        {draft.role !== user.role && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={16} />}>
            Changing the role from {ROLE_LABELS[user.role].toLowerCase()} to {ROLE_LABELS[draft.role].toLowerCase()} signs {user.name} out everywhere when you save; they sign in again
            with the new role.
            {draft.role === "requester" && user.teams.length > 0 && ` They are still listed in ${user.teams.map((t) => t.name).join(", ")}: remove them on the Teams page.`}
          </Alert>
        )}
        <OrganizationSelect value={draft.organization_id} onChange={(v) => setDraft({ ...draft, organization_id: v })} error={fieldError("organization_id")} />
        <PasswordInput
          label="New password"
          description={
            self
              ? "To change your own password you also need your current one; use your account settings."
              : `Leave empty to keep the current one. Setting a password signs ${user.name} out of every session. At least 8 characters; very common passwords are refused.`
          }
          value={draft.password}
          onChange={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
          error={fieldError("password")}
          autoComplete="new-password"
          disabled={self}
          maxLength={128}
        />
        <SaveError message={errors.general} />
      </Stack>
      <div className={classes.section}>
        <Title order={2} fz="sm" mb={4}>
          Teams
        </Title>
        {user.teams.length ? (
          <Group gap={6}>
            {user.teams.map((t) => (
              <Badge key={t.id} component={Link} to={`/admin/teams/${t.id}`} variant="default" size="lg" style={{ cursor: "pointer" }} leftSection={<IconUsers size={12} />}>
                {t.name}
              </Badge>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {user.role === "requester" ? "Requesters are not in teams." : "Not in any team yet."} Members are added on the Teams page.
          </Text>
        )}
      </div>
      <AccountSection user={user} self={self} />
    </Editor>
  );
}

interface NewUserDraft {
  name: string;
  email: string;
  role: Role;
  organization_id: string | null;
  password: string;
}
const EMPTY: NewUserDraft = { name: "", email: "", role: "agent", organization_id: null, password: "" };

function NewUserEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState(EMPTY);
  const dirty = !same(draft, EMPTY);
  const guard = useUnsavedGuard(dirty);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      createUser({
        name: draft.name.trim(),
        email: draft.email.trim(),
        role: draft.role,
        ...(draft.organization_id ? { organization_id: Number(draft.organization_id) } : {}),
        ...(draft.password ? { password: draft.password } : {}),
      }),
    onSuccess: (user) => {
      client.setQueryData(adminKeys.user(user.id), user);
      refreshPeople(client);
      announce(user.role === "requester" ? "They can now file requests." : "Add them to a team on the Teams page.", `${user.name} was added`);
      guard.allow();
      navigate(`/admin/users/${user.id}`);
    },
  });
  const errors = formErrors(create.error, ["name", "email", "role", "organization_id", "password"], "email");
  const fieldError = (k: string) => localErrors[k] ?? errors.fields[k];
  const submit = () => {
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = "Give their name";
    if (!looksLikeEmail(draft.email)) found.email = draft.email.trim() ? "This does not look like an email address" : "Give their email address";
    if (draft.password && draft.password.length < 8) found.password = "At least 8 characters";
    setLocalErrors(found);
    if (!Object.keys(found).length) create.mutate();
  };
  return (
    <Editor label="New user" dirty={dirty} saving={create.isPending} saveLabel="Add user" onSubmit={submit} backTo="/admin/users" backLabel="All people" guard={guard}>
      <Title order={2} fz={17} mb={4}>
        New user
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        Add an agent, supervisor, admin or requester.
      </Text>
      <Stack gap="md">
        <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} error={fieldError("name")} maxLength={200} data-autofocus />
        <TextInput
          label="Email"
          required
          type="email"
          value={draft.email}
          onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
          error={fieldError("email")}
          description="They sign in with it."
          maxLength={254}
        />
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={draft.role}
          onChange={(v) => v && setDraft({ ...draft, role: v as Role })}
          allowDeselect={false}
          description={ROLE_HELP[draft.role]}
          error={fieldError("role")}
          comboboxProps={{ withinPortal: true }}
        />
        <OrganizationSelect
          value={draft.organization_id}
          onChange={(v) => setDraft({ ...draft, organization_id: v })}
          error={fieldError("organization_id")}
          description="Left empty, they join the organization whose email domain matches theirs, if any."
        />
        <PasswordInput
          label="Password"
          description="At least 8 characters; very common passwords are refused. Without one they cannot sign in yet (tickets can still be filed for them)."
          value={draft.password}
          onChange={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
          error={fieldError("password")}
          autoComplete="new-password"
          maxLength={128}
        />
        <SaveError title="The user was not added" message={errors.general} />
      </Stack>
    </Editor>
  );
}

function ExistingUser({ id }: { id: number }) {
  const user = useAdminUser(id);
  if (user.isPending) {
    return (
      <Stack p="lg" gap="md" aria-busy="true" aria-label="Loading">
        <Skeleton height={40} width="60%" />
        <Skeleton height={36} />
        <Skeleton height={36} />
      </Stack>
    );
  }
  if (user.isError) return <div style={{ padding: 20 }}><LoadError title="This person could not be loaded" error={user.error} onRetry={() => void user.refetch()} /></div>;
  return <UserEditor key={user.data.id} user={user.data} />;
}

export function UsersPage() {
  const { userId } = useParams();
  const [params] = useSearchParams();
  const filters: UserFilters = useMemo(
    () => ({
      ...(params.get("q") ? { q: params.get("q")! } : {}),
      ...(params.get("role") ? { role: params.get("role") as UserFilters["role"] } : {}),
      ...(params.get("active") ? { active: params.get("active") as "true" | "false" } : {}),
    }),
    [params],
  );
  const selectedId = userId && userId !== "new" ? Number(userId) : null;
  const editor =
    userId === "new" ? (
      <NewUserEditor />
    ) : selectedId && Number.isInteger(selectedId) ? (
      <ExistingUser key={selectedId} id={selectedId} />
    ) : (
      <EmptyEditor icon={<IconUsers size={32} stroke={1.5} />} title="Pick a person to edit">
        Change their name, role or organization, set a password, or disable the account. Or add someone new.
      </EmptyEditor>
    );
  return (
    <AdminPage
      title="Users and roles"
      description="Everyone who can sign in: requesters, agents, supervisors and admins. Disabling someone signs them out at once."
      actions={
        <Button component={Link} to="/admin/users/new" leftSection={<IconUserPlus size={16} />}>
          Add user
        </Button>
      }
    >
      <Split
        wide
        listLabel="People list"
        selected={!!userId}
        list={
          <>
            <UserFiltersBar />
            <UserTable filters={filters} selectedId={selectedId} />
          </>
        }
        editor={editor}
      />
    </AdminPage>
  );
}

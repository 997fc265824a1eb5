// The editor for an existing user: name, role, organization, password, teams and account.
import { Alert, Avatar, Badge, Group, PasswordInput, Skeleton, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertTriangle, IconUsers } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { Role, User, UserUpdateInput } from "@tessera/contracts";
import { useMemo } from "react";
import { Link } from "react-router";
import { updateUser } from "../api/admin.ts";
import { adminKeys, refreshPeople, useAdminUser } from "../api/admin-queries.ts";
import { useSignedInUser } from "../api/queries.ts";
import { initials } from "../ui/format.ts";
import { TimeAgo } from "../ui/time-ago.tsx";
import { announce, Editor, EditorSection, SaveError } from "./layout.tsx";
import { bindDraft, Loaded, useAdminForm } from "./scaffold/index.ts";
import { ROLE_LABELS } from "./people.ts";
import { OrganizationSelect, RoleSelect } from "./organization-select.tsx";
import { AccountSection } from "./user-account-section.tsx";
import { StatusBadge } from "./user-status-badge.tsx";

interface UserDraft {
  name: string;
  role: Role;
  organization_id: string | null;
  password: string;
}

const draftOf = (u: User): UserDraft => ({ name: u.name, role: u.role, organization_id: u.organization ? String(u.organization.id) : null, password: "" });
const FIELDS = ["name", "role", "organization_id", "password"];

function checkUser(d: UserDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give a name";
  if (d.password && d.password.length < 8) found.password = "At least 8 characters";
  return found;
}

function UserEditor({ user }: { user: User }) {
  const me = useSignedInUser();
  const self = me.id === user.id;
  const client = useQueryClient();
  const base = useMemo(() => draftOf(user), [user]);
  /** Only what changed is sent: a role or password change signs the person out. */
  const changesOf = (d: UserDraft): UserUpdateInput => {
    const changes: UserUpdateInput = {};
    if (d.name.trim() !== user.name) changes.name = d.name.trim();
    if (d.role !== user.role) changes.role = d.role;
    if (d.organization_id !== base.organization_id) changes.organization_id = d.organization_id ? Number(d.organization_id) : null;
    if (d.password) changes.password = d.password;
    return changes;
  };
  const form = useAdminForm({
    base,
    fields: FIELDS,
    check: checkUser,
    save: async (d) => {
      const changes = changesOf(d);
      return { saved: await updateUser(user.id, changes), changes };
    },
    draftOf: (r) => draftOf(r.saved),
    onSaved: ({ saved, changes }) => {
      client.setQueryData(adminKeys.user(saved.id), saved);
      refreshPeople(client);
      if (changes.password || changes.role) {
        const what = [changes.password && "the new password is set", changes.role && `the role is now ${ROLE_LABELS[saved.role].toLowerCase()}`].filter(Boolean).join(" and ");
        announce(`For ${saved.name}, ${what}. They were signed out everywhere.`);
      }
    },
  });
  const { draft } = form;
  const bind = bindDraft(draft, form.setDraft, form.errors);

  return (
    <Editor label={`Edit ${user.name}`} {...form.editorProps} backTo="/admin/users" backLabel="All people">
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
        <TextInput label="Name" required {...bind.text("name")} maxLength={200} />
        <RoleSelect {...bind.required("role")} disabled={self} description={self ? "You cannot change your own role." : undefined} />
        {draft.role !== user.role && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={16} />}>
            Changing the role from {ROLE_LABELS[user.role].toLowerCase()} to {ROLE_LABELS[draft.role].toLowerCase()} signs {user.name} out everywhere when you save; they sign in again with the new
            role.
            {draft.role === "requester" && user.teams.length > 0 && ` They are still listed in ${user.teams.map((t) => t.name).join(", ")}: remove them on the Teams page.`}
          </Alert>
        )}
        <OrganizationSelect {...bind.choice("organization_id")} />
        <PasswordInput
          label="New password"
          description={
            self
              ? "To change your own password you also need your current one; use your account settings."
              : `Leave empty to keep the current one. Setting a password signs ${user.name} out of every session. At least 8 characters; very common passwords are refused.`
          }
          {...bind.text("password")}
          autoComplete="new-password"
          disabled={self}
          maxLength={128}
        />
        <SaveError message={form.general} />
      </Stack>
      <EditorSection title="Teams">
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
      </EditorSection>
      <AccountSection user={user} self={self} />
    </Editor>
  );
}
export function ExistingUser({ id }: { id: number }) {
  return (
    <Loaded
      query={useAdminUser(id)}
      failed="This person could not be loaded"
      loading={
        <Stack p="lg" gap="md" aria-busy="true" aria-label="Loading">
          <Skeleton height={40} width="60%" />
          <Skeleton height={36} />
          <Skeleton height={36} />
        </Stack>
      }
    >
      {(user) => <UserEditor key={user.id} user={user} />}
    </Loaded>
  );
}

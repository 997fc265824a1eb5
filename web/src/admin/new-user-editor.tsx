// The form for adding a new user.
import { PasswordInput, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import type { Role } from "@tessera/contracts";
import { useNavigate } from "react-router";
import { createUser } from "../api/admin.ts";
import { adminKeys, refreshPeople } from "../api/admin-queries.ts";
import { announce, Editor, SaveError } from "./layout.tsx";
import { useAdminForm } from "./scaffold/index.ts";
import { looksLikeEmail, ROLE_HELP, ROLE_OPTIONS } from "./people.ts";
import { OrganizationSelect } from "./organization-select.tsx";

interface NewUserDraft {
  name: string;
  email: string;
  role: Role;
  organization_id: string | null;
  password: string;
}
const EMPTY: NewUserDraft = { name: "", email: "", role: "agent", organization_id: null, password: "" };
function checkNewUser(d: NewUserDraft): Record<string, string> {
  const found: Record<string, string> = {};
  if (!d.name.trim()) found.name = "Give their name";
  if (!looksLikeEmail(d.email)) found.email = d.email.trim() ? "This does not look like an email address" : "Give their email address";
  if (d.password && d.password.length < 8) found.password = "At least 8 characters";
  return found;
}

export function NewUserEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const form = useAdminForm({
    base: EMPTY,
    fields: ["name", "email", "role", "organization_id", "password"],
    conflictField: "email",
    check: checkNewUser,
    save: (d) =>
      createUser({
        name: d.name.trim(),
        email: d.email.trim(),
        role: d.role,
        ...(d.organization_id ? { organization_id: Number(d.organization_id) } : {}),
        ...(d.password ? { password: d.password } : {}),
      }),
    onSaved: (user) => {
      client.setQueryData(adminKeys.user(user.id), user);
      refreshPeople(client);
      announce(user.role === "requester" ? "They can now file requests." : "Add them to a team on the Teams page.", `${user.name} was added`);
      navigate(`/admin/users/${user.id}`);
    },
  });
  const { draft, setDraft } = form;
  const fieldError = (k: string) => form.errors[k];
  return (
    <Editor label="New user" {...form.editorProps} saveLabel="Add user" backTo="/admin/users" backLabel="All people">
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
        <SaveError title="The user was not added" message={form.general} />
      </Stack>
    </Editor>
  );
}

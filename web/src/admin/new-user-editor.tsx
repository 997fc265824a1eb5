// The form for adding a new user.
import { PasswordInput, Stack, TextInput } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import type { Role } from "@tessera/contracts";
import { useNavigate } from "react-router";
import { createUser } from "../api/admin.ts";
import { adminKeys, refreshPeople } from "../api/admin-queries.ts";
import { announce, Editor, SaveError } from "./layout.tsx";
import { bindDraft, FormHeading, useAdminForm } from "./scaffold/index.ts";
import { looksLikeEmail } from "./people.ts";
import { OrganizationSelect, RoleSelect } from "./organization-select.tsx";

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
  const bind = bindDraft(form.draft, form.setDraft, form.errors);
  return (
    <Editor label="New user" {...form.editorProps} saveLabel="Add user" backTo="/admin/users" backLabel="All people">
      <FormHeading title="New user">Add an agent, supervisor, admin or requester.</FormHeading>
      <Stack gap="md">
        <TextInput label="Name" required {...bind.text("name")} maxLength={200} data-autofocus />
        <TextInput label="Email" required type="email" {...bind.text("email")} description="They sign in with it." maxLength={254} />
        <RoleSelect {...bind.required("role")} />
        <OrganizationSelect {...bind.choice("organization_id")} description="Left empty, they join the organization whose email domain matches theirs, if any." />
        <PasswordInput
          label="Password"
          description="At least 8 characters; very common passwords are refused. Without one they cannot sign in yet (tickets can still be filed for them)."
          {...bind.text("password")}
          autoComplete="new-password"
          maxLength={128}
        />
        <SaveError title="The user was not added" message={form.general} />
      </Stack>
    </Editor>
  );
}

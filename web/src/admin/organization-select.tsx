// The pickers used when editing or adding a user: their role and their organization.
import { Select } from "@mantine/core";
import type { Role } from "@tessera/contracts";
import { useOrganizations } from "../api/admin-queries.ts";
import { ROLE_HELP, ROLE_OPTIONS } from "./people.ts";

/** A role is always picked; the description says what the picked one may do unless `description` says otherwise. */
export function RoleSelect({ description, ...props }: { value: Role; onChange: (v: string | null) => unknown; error?: string; disabled?: boolean; description?: string }) {
  return <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...props} description={description ?? ROLE_HELP[props.value]} comboboxProps={{ withinPortal: true }} />;
}

export function OrganizationSelect({ value, onChange, error, description }: { value: string | null; onChange: (v: string | null) => void; error?: string; description?: string }) {
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

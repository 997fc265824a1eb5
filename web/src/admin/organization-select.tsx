// The searchable organization picker used when editing or adding a user.
import { Select } from "@mantine/core";
import { useOrganizations } from "../api/admin-queries.ts";

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

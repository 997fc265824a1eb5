/** The scopes of an API token: checkboxes to choose them when it is made, and a line naming them after. */
import { Checkbox, Stack } from "@mantine/core";
import { type Role, TOKEN_SCOPE_LABELS, TOKEN_SCOPE_ROLES, TOKEN_SCOPES, type TokenScope } from "@tessera/contracts";

/** The scopes a token of this role may hold; `all` is left to the API and the command line, so a token made here asks for what it needs. */
export const scopesOfferedTo = (role: Role) => TOKEN_SCOPES.filter((s) => s !== "all" && (TOKEN_SCOPE_ROLES[s]?.includes(role) ?? true));

export function TokenScopePicker({ role, value, onChange }: { role: Role; value: TokenScope[]; onChange: (scopes: TokenScope[]) => void }) {
  return (
    <Checkbox.Group
      label="What the token may do"
      description="Nothing more than its account may do."
      value={value}
      onChange={(v) => onChange(v as TokenScope[])}
      error={value.length === 0 ? "Choose at least one." : undefined}
    >
      <Stack gap={4} mt={6}>
        {scopesOfferedTo(role).map((s) => (
          <Checkbox key={s} size="xs" value={s} label={TOKEN_SCOPE_LABELS[s]} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

/** "send monitoring alerts; read tickets and their conversations", for a sentence about the token. */
export const describeScopes = (scopes: readonly TokenScope[]) => scopes.map((s) => TOKEN_SCOPE_LABELS[s].toLowerCase()).join("; ");

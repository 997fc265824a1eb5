/** Audit entries for changes that are several things at once, such as one edit of an account. */
import type { UserUpdateInput } from "@tessera/contracts";
import type { AuditEntry } from "./record.ts";

type UserBefore = { id: number; email: string; name: string; role: string; organization_id: number | null; active: number };

/** One entry per kind of change an account edit made: role, status, password, the rest. */
export function userChangeEntries(user: UserBefore, input: UserUpdateInput): AuditEntry[] {
  const target = { type: "user", id: user.id, label: user.email };
  const entries: AuditEntry[] = [];
  if (input.role !== undefined && input.role !== user.role) entries.push({ action: "user.role_changed", target, before: { role: user.role }, after: { role: input.role } });
  if (input.active !== undefined && input.active !== !!user.active) {
    entries.push({ action: input.active ? "user.reactivated" : "user.deactivated", target, detail: input.active ? undefined : { sessions_ended: true, tokens_revoked: true } });
  }
  if (input.password !== undefined) entries.push({ action: "user.password_changed", target });
  const before = { name: user.name, organization_id: user.organization_id };
  const after = { name: input.name ?? user.name, organization_id: input.organization_id !== undefined ? input.organization_id : user.organization_id };
  if (JSON.stringify(before) !== JSON.stringify(after)) entries.push({ action: "user.updated", target, before, after });
  return entries;
}

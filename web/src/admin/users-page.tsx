/**
 * Users and roles: everyone with an account, searchable by name or email and filtered by role
 * and status; an editor for name, role, organization and password; disabling (which ends the
 * person's sessions and API tokens at once) and enabling.
 */
import { Button } from "@mantine/core";
import { IconUserPlus, IconUsers } from "@tabler/icons-react";
import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import type { UserFilters } from "../api/admin.ts";
import { AdminPage, EmptyEditor, Split } from "./layout.tsx";
import { NewUserEditor } from "./new-user-editor.tsx";
import { ExistingUser } from "./user-editor.tsx";
import { UserFiltersBar, UserTable } from "./users-list.tsx";

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

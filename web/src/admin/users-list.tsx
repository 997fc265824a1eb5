// The people list on the users page: search and role/status filters, and the paged table.
import { Button, Group, Select, Skeleton, Stack, Table, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import type { User } from "@tessera/contracts";
import { useEffect, useMemo, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import type { UserFilters } from "../api/admin.ts";
import { useUserPages } from "../api/admin-queries.ts";
import { TimeAgo } from "../ui/time-ago.tsx";
import { ROLE_LABELS, ROLE_OPTIONS } from "./people.ts";
import { StatusBadge } from "./user-status-badge.tsx";
import classes from "./admin.module.css";
import { Loaded } from "./scaffold/index.ts";

const ROLE_FILTERS = [{ value: "", label: "Any role" }, { value: "staff", label: "Staff (not requesters)" }, ...ROLE_OPTIONS];
const STATUS_FILTERS = [
  { value: "", label: "Active and disabled" },
  { value: "true", label: "Active" },
  { value: "false", label: "Disabled" },
];

function TeamsCell({ teams }: { teams: User["teams"] }) {
  if (teams.length === 0)
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  const [first, ...rest] = teams;
  return (
    <Text span size="sm" title={teams.map((t) => t.name).join(", ")} className={classes.nowrap}>
      {first.name}
      {rest.length > 0 && <Text span c="dimmed" size="sm">{` +${rest.length}`}</Text>}
    </Text>
  );
}

export function UserTable({ filters, selectedId }: { filters: UserFilters; selectedId: number | null }) {
  const pages = useUserPages(filters);
  return (
    <Loaded
      query={pages}
      failed="People could not be loaded"
      padding={16}
      loading={
        <Stack gap={6} p="md" aria-busy="true" aria-label="Loading people">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} height={40} />
          ))}
        </Stack>
      }
    >
      {() => <UserRows pages={pages} filters={filters} selectedId={selectedId} />}
    </Loaded>
  );
}

function UserRows({ pages, filters, selectedId }: { pages: ReturnType<typeof useUserPages>; filters: UserFilters; selectedId: number | null }) {
  const navigate = useNavigate();
  const { search } = useLocation();
  const users = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  if (users.length === 0) {
    return (
      <Stack p="xl" align="center" gap={4}>
        <Text fw={500} size="sm">
          Nobody matches
        </Text>
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
            <Table.Th visibleFrom="sm">Teams</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th visibleFrom="sm">Last sign-in</Table.Th>
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
              <Table.Td visibleFrom="sm">
                <TeamsCell teams={u.teams} />
              </Table.Td>
              <Table.Td>
                <StatusBadge active={u.active} />
              </Table.Td>
              <Table.Td visibleFrom="sm" style={{ whiteSpace: "nowrap" }}>
                {u.last_login_at ? (
                  <TimeAgo iso={u.last_login_at} />
                ) : (
                  <Text span size="sm" c="dimmed">
                    Never
                  </Text>
                )}
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
export function UserFiltersBar() {
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const [debounced] = useDebouncedValue(q.trim(), 250);
  // The search box follows the address when it changes from outside (the settings search).
  const fromUrl = params.get("q") ?? "";
  useEffect(() => setQ((typed) => (typed.trim() === fromUrl ? typed : fromUrl)), [fromUrl]);
  useEffect(() => {
    if (debounced === (params.get("q") ?? "")) return;
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (debounced) next.set("q", debounced);
        else next.delete("q");
        return next;
      },
      { replace: true },
    );
  }, [debounced, params, setParams]);
  const set = (key: string, value: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  /** A choice kept in the address as `?{param}=`; the first choice, "", leaves it out. */
  const filter = (label: string, param: string, data: Array<{ value: string; label: string }>, width: number) => (
    <Select aria-label={label} data={data} value={params.get(param) ?? ""} onChange={(v) => set(param, v)} allowDeselect={false} w={width} size="sm" comboboxProps={{ withinPortal: true }} />
  );
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
      {filter("Filter by role", "role", ROLE_FILTERS, 180)}
      {filter("Filter by status", "active", STATUS_FILTERS, 170)}
    </Group>
  );
}

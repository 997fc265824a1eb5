import { Button, Center, Container, Group, Paper, Stack, Tabs, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { usePagedTickets } from "../api/queries.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { RequestList } from "./request-list.tsx";
import { STATUS_FILTERS, type StatusFilter } from "./status-filters.ts";

const EMPTY: Record<StatusFilter, string> = {
  open: "You have no open requests.",
  waiting: "Nothing is waiting for you. When the support team needs an answer from you, the request shows here.",
  resolved: "No request is waiting for your confirmation.",
  closed: "You have no closed requests yet.",
  all: "You have not asked for help yet.",
};

function Results({ filter, q }: { filter: StatusFilter; q: string }) {
  const categories = STATUS_FILTERS.find((f) => f.value === filter)!.categories;
  const list = usePagedTickets({ requester: "me", status_category: categories, q: q || undefined, sort: "-updated_at", limit: 25 });
  if (!list.data) {
    if (list.isError) return <LoadError error={list.error} onRetry={() => void list.refetch()} title="Your requests could not be loaded" />;
    return <ListSkeleton label="Loading your requests" />;
  }
  const items = list.data.pages.flatMap((p) => p.items);
  if (!items.length) {
    return (
      <Paper p="xl">
        <Stack align="center" gap="xs">
          <Text size="sm" c="dimmed" ta="center">
            {q ? `No requests match “${q}”.` : EMPTY[filter]}
          </Text>
          {!q && filter !== "waiting" && filter !== "resolved" && (
            <Button component={Link} to="/requests/new" variant="light" leftSection={<IconPlus size={16} />}>
              New request
            </Button>
          )}
        </Stack>
      </Paper>
    );
  }
  return (
    <Stack gap="md">
      <RequestList tickets={items} label={`${STATUS_FILTERS.find((f) => f.value === filter)!.label} requests`} />
      {list.hasNextPage && (
        <Center>
          <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            Show more
          </Button>
        </Center>
      )}
      {list.isFetchNextPageError && <LoadError error={list.error} onRetry={() => void list.fetchNextPage()} title="More requests could not be loaded" />}
    </Stack>
  );
}

export function MyRequestsPage() {
  const [params, setParams] = useSearchParams();
  const filter = (STATUS_FILTERS.some((f) => f.value === params.get("status")) ? params.get("status") : "open") as StatusFilter;
  const [query, setQuery] = useState(params.get("q") ?? "");
  const [debounced] = useDebouncedValue(query.trim(), 300);

  useEffect(() => {
    document.title = "My requests · Tessera";
  }, []);

  const setFilter = (value: string | null) => {
    const next = new URLSearchParams(params);
    next.set("status", value ?? "open");
    setParams(next, { replace: true });
  };

  return (
    <Container size="lg" py="xl">
      <Group justify="space-between" align="flex-end" mb="md" gap="sm">
        <Title order={1}>My requests</Title>
        <TextInput
          placeholder="Search my requests"
          aria-label="Search my requests"
          leftSection={<IconSearch size={16} aria-hidden="true" />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          w={{ base: "100%", xs: 280 }}
          type="search"
        />
      </Group>
      <Tabs value={filter} onChange={setFilter}>
        <Tabs.List style={{ flexWrap: "nowrap", overflowX: "auto", overflowY: "hidden" }}>
          {STATUS_FILTERS.map((f) => (
            <Tabs.Tab key={f.value} value={f.value} style={{ whiteSpace: "nowrap" }}>
              {f.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {STATUS_FILTERS.map((f) => (
          <Tabs.Panel key={f.value} value={f.value} pt="md">
            <Results filter={f.value} q={debounced} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Container>
  );
}

import { Anchor, Badge, Button, Container, Group, Paper, SimpleGrid, Stack, Text, TextInput, ThemeIcon, Title, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconArrowRight, IconChevronRight, IconMessageQuestion, IconSearch } from "@tabler/icons-react";
import type { Category } from "@tessera/contracts";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { useCategories, useSignedInUser, useTicketList } from "../api/queries.ts";
import { firstName } from "../ui/format.ts";
import { ListSkeleton, LoadError } from "../ui/query-state.tsx";
import { StatusPill } from "../ui/status-pill.tsx";
import { catalogOf, categoryIcon, describe } from "./catalog.tsx";
import { RequestList, requesterStatus } from "./request-list.tsx";
import { STATUS_FILTERS, UNFINISHED } from "./status-filters.ts";
import classes from "./home-page.module.css";
import focus from "../ui/focus-ring.module.css";

const ALL = STATUS_FILTERS.find((f) => f.value === "all")!.categories;

export function newRequestUrl(opts: { category?: number; subject?: string }) {
  const qs = new URLSearchParams();
  if (opts.category) qs.set("category", String(opts.category));
  if (opts.subject) qs.set("subject", opts.subject);
  const s = qs.toString();
  return `/requests/new${s ? `?${s}` : ""}`;
}

/** Categories whose name shares a word (3+ letters) with what the person typed. */
function matchingCategories(categories: Category[], text: string): Category[] {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
  if (!words.length) return [];
  return categories.filter((c) => c.active && words.some((w) => c.name.toLowerCase().includes(w) || w.includes(c.name.toLowerCase()))).slice(0, 3);
}

function Suggestions({ text, categories }: { text: string; categories: Category[] }) {
  const mine = useTicketList({ requester: "me", q: text, limit: 3, status_category: ALL });
  const topics = matchingCategories(categories, text);
  const requests = mine.data?.items ?? [];
  return (
    <Paper p="md" mt="xs" className={classes.suggestions} aria-live="polite">
      <Stack gap="sm">
        {topics.length > 0 && (
          <div>
            <Text size="xs" c="dimmed" fw={500} mb={4}>
              Matching topics
            </Text>
            <Group gap="xs">
              {topics.map((c) => (
                <Button key={c.id} component={Link} to={newRequestUrl({ category: c.id, subject: text })} variant="default" size="xs" radius="xl">
                  {c.path}
                </Button>
              ))}
            </Group>
          </div>
        )}
        {requests.length > 0 && (
          <div>
            <Text size="xs" c="dimmed" fw={500} mb={4}>
              You asked about something similar
            </Text>
            <Stack gap={4}>
              {requests.map((t) => (
                <Group key={t.id} gap="xs" wrap="nowrap" justify="space-between">
                  <Anchor component={Link} to={`/requests/${t.reference}`} size="sm" lineClamp={1}>
                    <span className="tabular">{t.reference}</span> · {t.subject}
                  </Anchor>
                  <StatusPill status={requesterStatus(t)} size="sm" />
                </Group>
              ))}
            </Stack>
          </div>
        )}
        <Group justify="space-between" gap="xs">
          <Text size="sm" c="dimmed">
            Not what you need?
          </Text>
          <Button component={Link} to={newRequestUrl({ category: topics.length === 1 ? topics[0].id : undefined, subject: text })} rightSection={<IconArrowRight size={16} />} size="xs">
            Ask the support team
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function HomePage() {
  const me = useSignedInUser();
  const navigate = useNavigate();
  const categories = useCategories();
  const open = useTicketList({ requester: "me", status_category: UNFINISHED, sort: "-updated_at", limit: 10 });
  const [query, setQuery] = useState("");
  const [debounced] = useDebouncedValue(query.trim(), 300);
  const catalog = useMemo(() => catalogOf(categories.data ?? []), [categories.data]);

  useEffect(() => {
    document.title = "Support · Tessera";
  }, []);

  const search = (e: FormEvent) => {
    e.preventDefault();
    const text = query.trim();
    const topics = matchingCategories(categories.data ?? [], text);
    navigate(newRequestUrl({ subject: text || undefined, category: topics.length === 1 ? topics[0].id : undefined }));
  };

  const openItems = open.data?.items ?? [];
  return (
    <>
      <section className={classes.hero} aria-labelledby="home-title">
        <Container size="md" py={40}>
          <Title order={1} id="home-title" ta="center" mb={6}>
            How can we help, {firstName(me.name)}?
          </Title>
          <Text ta="center" c="dimmed" size="sm" mb="lg">
            Describe your problem, or pick a topic below.
          </Text>
          <form onSubmit={search} role="search" className={classes.searchForm}>
            <TextInput
              size="lg"
              radius="md"
              placeholder="Describe your problem"
              aria-label="Describe your problem"
              leftSection={<IconSearch size={20} aria-hidden="true" />}
              value={query}
              onChange={(e) => setQuery(e.currentTarget.value)}
              maxLength={300}
            />
            {debounced.length >= 3 && <Suggestions text={debounced} categories={categories.data ?? []} />}
          </form>
        </Container>
      </section>

      <Container size="lg" py="xl">
        <Stack gap={40}>
          <section aria-labelledby="catalog-title">
            <Title order={2} id="catalog-title" mb="md">
              What do you need help with?
            </Title>
            {categories.isPending ? (
              <ListSkeleton rows={2} label="Loading topics" />
            ) : categories.isError ? (
              <LoadError error={categories.error} onRetry={() => void categories.refetch()} title="Topics could not be loaded" />
            ) : (
              <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="md" component="ul" className={classes.grid} aria-label="Topics">
                {catalog.map((item) => {
                  const Icon = categoryIcon(item.category.name);
                  return (
                    <li key={item.category.id}>
                      <UnstyledButton component={Link} to={newRequestUrl({ category: item.category.id })} className={`${classes.card} ${focus.ring}`}>
                        <ThemeIcon size={40} radius="md" variant="light">
                          <Icon size={22} stroke={1.6} aria-hidden="true" />
                        </ThemeIcon>
                        <div className={classes.cardText}>
                          <Text fw={600} size="md">
                            {item.category.name}
                          </Text>
                          <Text size="sm" c="dimmed" lineClamp={2}>
                            {describe(item)}
                          </Text>
                        </div>
                        <IconChevronRight size={18} className={classes.chevron} aria-hidden="true" />
                      </UnstyledButton>
                    </li>
                  );
                })}
                <li>
                  <UnstyledButton component={Link} to={newRequestUrl({})} className={`${classes.card} ${focus.ring}`}>
                    <ThemeIcon size={40} radius="md" variant="light" color="gray">
                      <IconMessageQuestion size={22} stroke={1.6} aria-hidden="true" />
                    </ThemeIcon>
                    <div className={classes.cardText}>
                      <Text fw={600} size="md">
                        Something else
                      </Text>
                      <Text size="sm" c="dimmed" lineClamp={2}>
                        Not sure where it fits? Describe it and we will route it.
                      </Text>
                    </div>
                    <IconChevronRight size={18} className={classes.chevron} aria-hidden="true" />
                  </UnstyledButton>
                </li>
              </SimpleGrid>
            )}
          </section>

          <section aria-labelledby="open-title">
            <Group justify="space-between" mb="md" align="center">
              <Group gap={8} align="center">
                <Title order={2} id="open-title">
                  My open requests
                </Title>
                {open.data && (
                  <Badge variant="light" color="gray" className="tabular" aria-label={`${openItems.length}${open.data.next_cursor ? " or more" : ""} open`}>
                    {openItems.length}
                    {open.data.next_cursor ? "+" : ""}
                  </Badge>
                )}
              </Group>
              <Anchor component={Link} to="/requests?status=all" size="sm">
                All my requests
              </Anchor>
            </Group>
            {open.isPending ? (
              <ListSkeleton label="Loading your requests" />
            ) : open.isError ? (
              <LoadError error={open.error} onRetry={() => void open.refetch()} title="Your requests could not be loaded" />
            ) : openItems.length === 0 ? (
              <Paper p="lg">
                <Text size="sm" c="dimmed">
                  You have no open requests. When you ask for help, you can follow it here.
                </Text>
              </Paper>
            ) : (
              <RequestList tickets={openItems} label="My open requests" />
            )}
          </section>
        </Stack>
      </Container>
    </>
  );
}

/**
 * The ticket list of a view: server pages of 50 (more load as the agent scrolls), keyboard
 * navigation (j/k, Enter or o, x), selection with a bulk bar, and live updates that change rows
 * in place. Tickets that newly match the view are not inserted under the pointer: a pill says
 * "N new" and shows them when clicked.
 */
import { ActionIcon, Badge, Box, Button, Group, Indicator, Menu, Skeleton, Stack, Text, Title, Tooltip } from "@mantine/core";
import { IconArrowsSort, IconArrowUp, IconCheck, IconDeviceFloppy, IconFilter, IconInbox, IconMoodSmile } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import type { TicketSummary } from "@tessera/contracts";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { listTickets, type TicketFilters } from "../../api/agent.ts";
import { agentKeys, useDirectory, useTicketCount, useTicketPages } from "../../api/agent-queries.ts";
import { LoadError } from "../../ui/query-state.tsx";
import { describeFilters } from "./filter-bar.tsx";
import { useLive, usePresenceSummary } from "../live.tsx";
import { isUnread } from "./seen.ts";
import { useShortcuts } from "../shortcuts.tsx";
import { TicketRow } from "./ticket-row.tsx";
import { openReplyTool, ReplyToolsHost, SnoozeInboxZero } from "../macros/macro-tools.tsx";
import { SORTS, type ViewDef } from "./views.ts";
import { useCompactRows } from "./row-density.ts";
import headClasses from "./list-head.module.css";
import classes from "./ticket-list.module.css";

// The bar of actions on selected tickets loads with the first selection (and in the background
// once the workspace is idle).
export const loadBulkBar = () => import("./bulk-bar.tsx");
const BulkBar = lazy(() => loadBulkBar().then((m) => ({ default: m.BulkBar })));
// So are the filter fields, the first time the filters are shown.
export const loadFilterPanel = () => import("./filter-panel.tsx");
const FilterBar = lazy(() => loadFilterPanel().then((m) => ({ default: m.FilterBar })));

function RowsSkeleton() {
  return (
    <Stack gap={0} aria-busy="true" aria-label="Loading tickets">
      {Array.from({ length: 8 }, (_, i) => (
        <Box key={i} px="md" py={10} style={{ borderBottom: "1px solid var(--app-border)" }}>
          <Skeleton height={12} width={`${60 + ((i * 17) % 30)}%`} mb={8} />
          <Skeleton height={10} width="40%" />
        </Box>
      ))}
    </Stack>
  );
}

function EmptyList({ view, filtered, onReset }: { view: ViewDef; filtered: boolean; onReset: () => void }) {
  if (filtered) {
    return (
      <div className={classes.empty}>
        <Text fw={600}>No tickets match these filters</Text>
        <Text size="sm" c="dimmed" mt={4}>
          Try fewer filters, or search for other words.
        </Text>
        <Button variant="light" size="xs" mt="md" onClick={onReset}>
          Reset filters
        </Button>
      </div>
    );
  }
  const zero = view.id === "mine";
  return (
    <div className={classes.empty}>
      {zero ? (
        <IconMoodSmile size={36} stroke={1.5} color="var(--mantine-color-teal-6)" aria-hidden="true" />
      ) : (
        <IconInbox size={36} stroke={1.5} color="var(--mantine-color-gray-5)" aria-hidden="true" />
      )}
      <Text fw={600} mt="xs">
        {view.empty.title}
      </Text>
      <Text size="sm" c="dimmed" mt={4}>
        {view.empty.text}
      </Text>
      {zero && (
        <Suspense fallback={null}>
          <SnoozeInboxZero />
        </Suspense>
      )}
    </div>
  );
}

export function TicketList({
  view,
  filters,
  sort,
  modified,
  activeKey,
  onSaveView,
  listRef,
}: {
  view: ViewDef;
  filters: TicketFilters;
  sort: string;
  modified: boolean;
  activeKey: string | undefined;
  onSaveView: () => void;
  /** The tickets in order, for the open ticket's next/previous. */
  listRef: React.MutableRefObject<TicketSummary[]>;
}) {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const live = useLive();
  const directory = useDirectory();
  const presence = usePresenceSummary();
  const pages = useTicketPages(filters, sort);
  const total = useTicketCount(filters);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  listRef.current = rows;
  const [showFilters, setShowFilters] = useState(modified);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [focusedId, setFocusedId] = useState<number | null>(null);
  const [newIds, setNewIds] = useState<number[]>([]);
  const since = useRef(new Date().toISOString());
  const rowRefs = useRef(new Map<number, HTMLAnchorElement>());
  const scroller = useRef<HTMLDivElement>(null);
  const lastClicked = useRef<number | null>(null);

  // A different view or filter starts afresh (not the first: scrolling a new list to its top
  // would only force the browser to lay out the page before it is drawn).
  const listId = JSON.stringify([filters, sort]);
  const shownListId = useRef(listId);
  useEffect(() => {
    if (shownListId.current === listId) return;
    shownListId.current = listId;
    setSelected(new Set());
    setNewIds([]);
    since.current = new Date(Date.now() - 2_000).toISOString();
    scroller.current?.scrollTo({ top: 0 });
  }, [listId]);

  // ---- live: count what newly matches instead of inserting it ----
  const rowIds = useMemo(() => new Set(rows.map((r) => r.id)), [rows]);
  const rowIdsRef = useRef(rowIds);
  rowIdsRef.current = rowIds;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        listTickets({ ...filters, updated_after: since.current }, { sort, limit: 50 }).then(
          (page) => setNewIds(page.items.map((t) => t.id).filter((id) => !rowIdsRef.current.has(id))),
          () => {},
        );
      }, 700);
    };
    const offTicket = live.onTicket((e) => {
      if (!rowIdsRef.current.has(e.ticket_id)) check();
    });
    const offReconnect = live.onReconnect(check);
    return () => {
      clearTimeout(timer);
      offTicket();
      offReconnect();
    };
  }, [live, filters, sort]);

  const showNew = () => {
    setNewIds([]);
    since.current = new Date(Date.now() - 2_000).toISOString();
    scroller.current?.scrollTo({ top: 0, behavior: "smooth" });
    void pages.refetch();
  };

  // ---- loading more as the agent scrolls ----
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { root: scroller.current, rootMargin: "400px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, rows.length]);

  // ---- selection and keyboard ----
  const toggle = useCallback(
    (id: number, shift: boolean) => {
      setSelected((old) => {
        const next = new Set(old);
        if (shift && lastClicked.current !== null) {
          const ids = listRef.current.map((r) => r.id);
          const [a, b] = [ids.indexOf(lastClicked.current), ids.indexOf(id)].sort((x, y) => x - y);
          if (a >= 0 && b >= 0) for (const rid of ids.slice(a, b + 1)) next.add(rid);
        } else if (next.has(id)) next.delete(id);
        else next.add(id);
        lastClicked.current = id;
        return next;
      });
    },
    [listRef],
  );

  const search = params.toString() ? `?${params}` : "";
  const hrefOf = (t: TicketSummary) => `/agent/views/${view.id}/${t.reference}${search}`;

  const focusRow = (index: number) => {
    const t = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (!t) return;
    const el = rowRefs.current.get(t.id);
    el?.focus();
    el?.scrollIntoView({ block: "nearest" });
    setFocusedId(t.id);
  };
  const indexOfFocus = () => {
    const current = focusedId ?? rows.find((r) => r.reference === activeKey)?.id;
    return current === undefined ? -1 : rows.findIndex((r) => r.id === current);
  };
  const move = (delta: number) => {
    if (!rows.length) return;
    if (activeKey) {
      // With a ticket open, j/k open the next or previous one.
      const i = rows.findIndex((r) => r.reference === activeKey);
      const t = rows[Math.max(0, Math.min(rows.length - 1, (i < 0 ? -1 : i) + delta))];
      if (t && t.reference !== activeKey) navigate(hrefOf(t));
      return;
    }
    const i = indexOfFocus();
    focusRow(i < 0 ? 0 : i + delta);
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    o: () => {
      const i = indexOfFocus();
      if (i >= 0) navigate(hrefOf(rows[i]));
    },
    x: () => {
      const i = indexOfFocus();
      if (i >= 0) toggle(rows[i].id, false);
    },
    // With a ticket open, m and z belong to it (ticket-pane.tsx); here they act on the focused row.
    ...(activeKey
      ? {}
      : {
          m: () => {
            const i = indexOfFocus();
            if (i >= 0) openReplyTool({ kind: "macro", ticketKey: rows[i].reference });
          },
          z: () => {
            const i = indexOfFocus();
            if (i >= 0) openReplyTool({ kind: "snooze", ticketKey: rows[i].reference });
          },
        }),
    Escape: () => {
      if (selected.size) setSelected(new Set());
      else if (activeKey) navigate(`/agent/views/${view.id}${search}`);
    },
  });

  const setFilter = useCallback(
    (key: string, value: string) => {
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          // Same as the view: no override needed.
          if ((view.filters[key] ?? "") === value) next.delete(key);
          else next.set(key, value);
          return next;
        },
        { replace: true },
      );
    },
    [setParams, view.filters],
  );
  const resetFilters = () => setParams(new URLSearchParams(), { replace: true });

  const [compact, setCompact] = useCompactRows();
  const selectedRows = rows.filter((r) => selected.has(r.id));
  const filterCount = [...params.keys()].filter((k) => k !== "sort").length;
  const described = describeFilters(filters, { users: directory.users, teams: directory.teams });

  return (
    <section className={classes.pane} aria-labelledby="list-title">
      <div className={headClasses.head}>
        <div className={headClasses.headRow}>
          <div className={headClasses.headTitle}>
            <Title order={1} id="list-title" className={headClasses.title}>
              {view.name}
            </Title>
            {total.data && (
              <Text size="xs" c="dimmed" className={`tabular ${headClasses.total}`}>
                {total.data.count} ticket{total.data.count === 1 ? "" : "s"}
              </Text>
            )}
          </div>
          <Group gap={4} wrap="nowrap" className={headClasses.headActions}>
            {modified && (
              <Tooltip label="Save these filters as a view">
                <ActionIcon variant="subtle" color="gray" onClick={onSaveView} aria-label="Save as view">
                  <IconDeviceFloppy size={16} />
                </ActionIcon>
              </Tooltip>
            )}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Tooltip label={`Sorted by: ${SORTS.find((x) => x.value === sort)?.label ?? sort}`}>
                  <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconArrowsSort size={15} />} aria-label="Sort" px={6} classNames={{ section: headClasses.sortIcon }}>
                    {activeKey ? null : <span className={headClasses.sortLabel}>{SORTS.find((x) => x.value === sort)?.label ?? "Sort"}</span>}
                  </Button>
                </Tooltip>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Sort by</Menu.Label>
                {SORTS.map((x) => (
                  <Menu.Item
                    key={x.value}
                    leftSection={x.value === sort ? <IconCheck size={14} /> : <span style={{ width: 14 }} />}
                    onClick={() =>
                      setParams(
                        (p) => {
                          const next = new URLSearchParams(p);
                          if (x.value === view.sort) next.delete("sort");
                          else next.set("sort", x.value);
                          return next;
                        },
                        { replace: true },
                      )
                    }
                  >
                    {x.label}
                  </Menu.Item>
                ))}
                <Menu.Divider />
                <Menu.Label>Rows</Menu.Label>
                <Menu.Item leftSection={compact ? <IconCheck size={14} /> : <span style={{ width: 14 }} />} onClick={() => setCompact(!compact)}>
                  Compact rows
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            <Indicator label={filterCount} size={14} disabled={!filterCount} offset={4}>
              <Tooltip label={showFilters ? "Hide filters" : "Filter this list"}>
                <ActionIcon
                  variant={showFilters ? "light" : "subtle"}
                  color={showFilters ? "indigo" : "gray"}
                  onClick={() => setShowFilters((s) => !s)}
                  aria-label="Filters"
                  aria-expanded={showFilters}
                >
                  <IconFilter size={16} />
                </ActionIcon>
              </Tooltip>
            </Indicator>
          </Group>
        </div>
        {!showFilters && described.length > 0 && (view.saved || modified) && (
          <Text size="xs" c="dimmed" mt={2} lineClamp={1}>
            {described.join(" · ")}
          </Text>
        )}
        {showFilters && (
          <Suspense fallback={null}>
            <FilterBar filters={filters} onChange={setFilter} onClear={resetFilters} canClear={filterCount > 0} />
          </Suspense>
        )}
      </div>

      {newIds.length > 0 && (
        <Badge
          component="button"
          className={classes.newPill}
          style={{ "--scroll-top": `${scroller.current?.offsetTop ?? 0}px` } as React.CSSProperties}
          size="lg"
          variant="filled"
          leftSection={<IconArrowUp size={14} />}
          onClick={showNew}
        >
          {newIds.length} new
        </Badge>
      )}

      <div className={classes.scroller} ref={scroller} style={selected.size ? { paddingBottom: 72 } : undefined}>
        <div className={classes.columns} aria-hidden="true">
          <span />
          <span>ID</span>
          <span>Subject</span>
          <span>SLA</span>
          <span>Requester</span>
          <span>Status</span>
          <span>Assignee</span>
          <span className={classes.columnWide}>Team</span>
          <span className={classes.columnWide} style={{ textAlign: "right" }}>
            Age
          </span>
          <span style={{ textAlign: "right" }}>Updated</span>
        </div>
        {pages.isPending ? (
          <RowsSkeleton />
        ) : pages.isError ? (
          <Box p="md">
            <LoadError error={pages.error} onRetry={() => void pages.refetch()} title="The tickets could not be loaded" />
          </Box>
        ) : rows.length === 0 ? (
          <EmptyList view={view} filtered={filterCount > 0} onReset={resetFilters} />
        ) : (
          <ul className={classes.rows} data-density={compact ? "compact" : undefined} aria-label={`Tickets in ${view.name}`}>
            {rows.map((t) => (
              <TicketRow
                key={t.id}
                ref={(el) => {
                  if (el) rowRefs.current.set(t.id, el);
                  else rowRefs.current.delete(t.id);
                }}
                ticket={t}
                href={hrefOf(t)}
                active={t.reference === activeKey}
                selected={selected.has(t.id)}
                unread={t.reference !== activeKey && isUnread(t)}
                presence={presence.get(t.id)}
                onToggle={toggle}
                onFocusRow={setFocusedId}
              />
            ))}
          </ul>
        )}
        {pages.isFetchNextPageError && (
          <Box p="md">
            <LoadError error={pages.error} onRetry={() => void pages.fetchNextPage()} title="More tickets could not be loaded" />
          </Box>
        )}
        <div ref={sentinel} className={classes.more}>
          {pages.hasNextPage && (
            <Button variant="subtle" size="xs" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
              Load more
            </Button>
          )}
          {!pages.hasNextPage && rows.length > 20 && (
            <Text size="xs" c="dimmed">
              That is all {rows.length}.
            </Text>
          )}
        </div>
      </div>
      {selected.size > 0 && (
        <Suspense fallback={null}>
          <BulkBar
            selected={selectedRows}
            onClear={() => setSelected(new Set())}
            onDone={() => {
              void pages.refetch();
              void client.invalidateQueries({ queryKey: agentKeys.counts });
            }}
          />
        </Suspense>
      )}
      <ReplyToolsHost />
    </section>
  );
}

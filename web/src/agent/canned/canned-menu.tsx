/**
 * The composer's `/` menu: typing "/" at the start of a line or after a space opens the canned
 * replies, searched fuzzily by title and text as the agent keeps typing ("/refnd" finds
 * "Refund on its way"). Arrow keys move, Enter or Tab inserts, Esc closes. Placeholders such
 * as {{requester.first_name}} are filled before the text goes in; an unknown one stays as it
 * was written, so the agent sees it before sending. Macros that match follow the replies;
 * picking one removes the "/word" and opens its preview.
 */
import { Badge, Button, Popover, Text } from "@mantine/core";
import { IconBolt, IconSettings } from "@tabler/icons-react";
import { fillPlaceholders, placeholderValues, type CannedReply, type Macro, type Ticket } from "@tessera/contracts";
import type Fuse from "fuse.js";
import { useEffect, useMemo, useState, type KeyboardEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { openReplyTool } from "../macros/macro-tools.tsx";
import own from "../macros/macro-tools.module.css";
import { ListOption } from "../../ui/list-option.tsx";

/** The "/word" being typed just before the caret, if it starts a line or follows a space. */
export function cannedQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)\/([^\s/]{0,40})$/u.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

/** The search library for the `/` menu, fetched when the composer is focused so that `/` answers at once. */
export function prefetchCannedSearch() {
  void import("./canned-search.ts").catch(() => {});
}

export interface CannedMenu {
  open: boolean;
  activeId: string | undefined;
  /** Handles the menu's keys; true when the key was the menu's. */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean;
  element: React.ReactNode;
}

export function useCannedMenu({
  text,
  caret,
  ticket,
  agent,
  onInsert,
}: {
  text: string;
  caret: number;
  ticket: Pick<Ticket, "reference" | "subject" | "requester">;
  agent: { name: string };
  /** Replaces text[start, end) with `insert`. */
  onInsert: (start: number, end: number, insert: string) => void;
}): CannedMenu {
  const query = cannedQuery(text, caret);
  // The API calls and the search library load with the first "/", not with the ticket.
  const enabled = query !== null;
  const replies = useQuery({ queryKey: ["canned-replies", "usable"], queryFn: () => import("./canned-search.ts").then((m) => m.fetchCannedReplies("usable")), enabled, staleTime: 5 * 60_000 });
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const macros = useQuery({ queryKey: ["macros", "usable"], queryFn: () => import("./canned-search.ts").then((m) => m.fetchMacros("usable")), enabled, staleTime: 5 * 60_000 });
  const all = useMemo(() => replies.data ?? [], [replies.data]);
  const [FuseClass, setFuseClass] = useState<typeof Fuse | null>(null);
  useEffect(() => {
    if (query && !FuseClass) void import("./canned-search.ts").then((m) => setFuseClass(() => m.Fuse));
  }, [query, FuseClass]);
  const fuse = useMemo(() => FuseClass && new FuseClass(all, { keys: [{ name: "title", weight: 3 }, "body"], threshold: 0.4, ignoreLocation: true }), [FuseClass, all]);
  const macroFuse = useMemo(() => FuseClass && new FuseClass(macros.data ?? [], { keys: ["name", "description"], threshold: 0.35, ignoreLocation: true }), [FuseClass, macros.data]);
  type Option = { kind: "reply"; item: CannedReply } | { kind: "macro"; item: Macro };
  const options: Option[] = useMemo(() => {
    if (!query || !fuse || !macroFuse) return [];
    const found = (query.query ? fuse.search(query.query).map((r) => r.item) : all).slice(0, 8).map((item) => ({ kind: "reply" as const, item }));
    // Macros only once a word is typed: an empty "/" lists replies.
    const ms = query.query
      ? macroFuse
          .search(query.query)
          .slice(0, 3)
          .map((r) => ({ kind: "macro" as const, item: r.item }))
      : [];
    return [...found, ...ms];
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the typed words matter, not where the menu sits
  }, [query?.query, fuse, macroFuse, all]);
  useEffect(() => setActive(0), [query?.query]);
  useEffect(() => {
    if (!query) setDismissedAt(null);
  }, [query]);
  const open = !!query && dismissedAt !== query.start && replies.isSuccess && !!fuse;

  const values = placeholderValues({ requester: ticket.requester, ticket, agent });
  const pick = (o: Option) => {
    if (!query) return;
    if (o.kind === "reply") onInsert(query.start, caret, fillPlaceholders(o.item.body, values));
    else {
      onInsert(query.start, caret, "");
      // After the text box has its caret back, so that the dialog keeps the focus.
      requestAnimationFrame(() => openReplyTool({ kind: "macro", ticketKey: ticket.reference, macroId: o.item.id }));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return false;
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && options.length) {
      e.preventDefault();
      setActive((i) => (i + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
      return true;
    }
    if ((e.key === "Enter" || e.key === "Tab") && options[active] && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      pick(options[active]);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setDismissedAt(query!.start);
      return true;
    }
    return false;
  };

  const element = (
    <Popover opened={open} position="top-start" offset={4} withinPortal trapFocus={false} returnFocus={false} shadow="md" width={380}>
      <Popover.Target>
        <div className={own.anchor} />
      </Popover.Target>
      <Popover.Dropdown p={4}>
        <div role="listbox" id="canned-options" aria-label="Canned replies">
          {options.length === 0 && (
            <Text size="sm" c="dimmed" px={10} py={6}>
              {all.length ? `No canned reply matches “${query?.query}”.` : "No canned replies yet."}
            </Text>
          )}
          {options.map((o, i) => (
            <ListOption
              key={o.kind === "macro" ? `m${o.item.id}` : o.item.id}
              id={o.kind === "macro" ? `canned-m${o.item.id}` : `canned-${o.item.id}`}
              active={i === active}
              onPick={() => pick(o)}
              onHover={() => setActive(i)}
              keepFocus
              className={own.option}
            >
              {o.kind === "macro" ? (
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={500} truncate>
                    <IconBolt size={12} aria-hidden="true" /> {o.item.name}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    Macro: see its changes, then apply
                  </Text>
                </div>
              ) : (
                <>
                  <div style={{ minWidth: 0 }}>
                    <Text size="sm" fw={500} truncate>
                      {o.item.title}
                    </Text>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {fillPlaceholders(o.item.body, values)}
                    </Text>
                  </div>
                  {o.item.scope !== "personal" && (
                    <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
                      {o.item.scope === "team" ? o.item.team?.name : "Everyone"}
                    </Badge>
                  )}
                </>
              )}
            </ListOption>
          ))}
        </div>
        <div className={own.menuFooter}>
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            leftSection={<IconSettings size={12} />}
            onMouseDown={(e) => {
              e.preventDefault();
              setDismissedAt(query?.start ?? null);
              openReplyTool({ kind: "canned-manager" });
            }}
          >
            Manage canned replies…
          </Button>
          <Text span size="xs" c="dimmed" ml={6}>
            ↑↓ Enter · Esc
          </Text>
        </div>
      </Popover.Dropdown>
    </Popover>
  );
  const current = open ? options[active] : undefined;
  return { open, activeId: current ? `canned-${current.kind === "macro" ? "m" : ""}${current.item.id}` : undefined, onKeyDown, element };
}

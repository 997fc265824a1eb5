/**
 * The composer's `/` menu: typing "/" at the start of a line or after a space opens the canned
 * replies, searched fuzzily by title and text as the agent keeps typing ("/refnd" finds
 * "Refund on its way"). Arrow keys move, Enter or Tab inserts, Esc closes. Placeholders such
 * as {{requester.first_name}} are filled before the text goes in; an unknown one stays as it
 * was written, so the agent sees it before sending.
 */
import { Badge, Button, Popover, Text, UnstyledButton } from "@mantine/core";
import { IconSettings } from "@tabler/icons-react";
import { fillPlaceholders, placeholderValues, type CannedReply, type Ticket } from "@tessera/contracts";
import Fuse from "fuse.js";
import { useEffect, useMemo, useState, type KeyboardEvent } from "react";
import { useCannedReplies } from "./canned-api.ts";
import { openReplyTool } from "./macro-tools.tsx";
import own from "./macro-tools.module.css";

/** The "/word" being typed just before the caret, if it starts a line or follows a space. */
export function cannedQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)\/([^\s/]{0,40})$/u.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

export interface CannedMenu {
  open: boolean;
  activeId: string | undefined;
  /** Handles the menu's keys; true when the key was the menu's. */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean;
  element: React.ReactNode;
}

export function useCannedMenu({ text, caret, ticket, agent, onInsert }: {
  text: string;
  caret: number;
  ticket: Pick<Ticket, "reference" | "subject" | "requester">;
  agent: { name: string };
  /** Replaces text[start, end) with `insert`. */
  onInsert: (start: number, end: number, insert: string) => void;
}): CannedMenu {
  const query = cannedQuery(text, caret);
  const replies = useCannedReplies("usable", query !== null);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const all = replies.data ?? [];
  const fuse = useMemo(() => new Fuse(all, { keys: [{ name: "title", weight: 3 }, "body"], threshold: 0.4, ignoreLocation: true }), [all]);
  const options: CannedReply[] = useMemo(() => (!query ? [] : (query.query ? fuse.search(query.query).map((r) => r.item) : all).slice(0, 8)), [query?.query, fuse, all]);
  useEffect(() => setActive(0), [query?.query]);
  useEffect(() => {
    if (!query) setDismissedAt(null);
  }, [query]);
  const open = !!query && dismissedAt !== query.start && replies.isSuccess;

  const values = placeholderValues({ requester: ticket.requester, ticket, agent });
  const pick = (r: CannedReply) => {
    if (!query) return;
    onInsert(query.start, caret, fillPlaceholders(r.body, values));
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
          {options.map((r, i) => (
            <UnstyledButton
              key={r.id}
              id={`canned-${r.id}`}
              role="option"
              aria-selected={i === active}
              className={own.option}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(r);
              }}
              onMouseEnter={() => setActive(i)}
              tabIndex={-1}
            >
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={500} truncate>
                  {r.title}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {fillPlaceholders(r.body, values)}
                </Text>
              </div>
              {r.scope !== "personal" && (
                <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
                  {r.scope === "team" ? r.team?.name : "Everyone"}
                </Badge>
              )}
            </UnstyledButton>
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
  return { open, activeId: open && options[active] ? `canned-${options[active].id}` : undefined, onKeyDown, element };
}

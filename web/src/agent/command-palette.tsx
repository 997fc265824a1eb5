/**
 * Ctrl/Cmd+K: one box to act and to jump. It lists what can be done here, each with its
 * shortcut (which is how agents learn them), the views, and tickets: a reference such as
 * INC-1042 or #1042 opens that ticket directly; other words search.
 */
import { Group, Kbd, Modal, ScrollArea, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import type { TicketSummary } from "@tessera/contracts";
import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { listTickets } from "../api/agent.ts";
import { PriorityIcon } from "../ui/priority-icon.tsx";
import type { ViewDef } from "./list/views.ts";
import { useQuery } from "@tanstack/react-query";
import { openReplyTool } from "./macros/macro-tools.tsx";
import classes from "./workspace.module.css";
import { ListOption } from "../ui/list-option.tsx";

interface Command {
  id: string;
  section: "Actions" | "Go to" | "Tickets";
  label: string;
  keys?: string[];
  icon?: React.ReactNode;
  run: () => void;
}

/** Runs a single-key shortcut as if it had been pressed, once the palette is gone. */
function press(key: string) {
  requestAnimationFrame(() => document.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true })));
}

const REFERENCE = /^\s*(?:#|[A-Za-z]{2,5}-)?(\d{1,9})\s*$/;

export function CommandPalette({ opened, onClose, views }: { opened: boolean; onClose: () => void; views: ViewDef[] }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const [found, setFound] = useState<TicketSummary[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const ticketOpen = /^\/agent\/views\/[^/]+\/[^/]+/.test(location.pathname);
  const openKey = ticketOpen ? decodeURIComponent(location.pathname.split("/")[4] ?? "") : null;
  // Macros by name, to apply one straight away to the open ticket.
  // (the API module loads with the first palette opened on a ticket, not with the workspace)
  const macros = useQuery({
    queryKey: ["macros", "usable"],
    queryFn: () => import("./canned/canned-search.ts").then((m) => m.fetchMacros("usable")),
    enabled: opened && ticketOpen,
    staleTime: 5 * 60_000,
  });

  useEffect(() => {
    if (opened) {
      setQuery("");
      setFound([]);
    }
  }, [opened]);

  // Words search tickets (after a pause); a reference is opened as it is.
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2 || REFERENCE.test(q)) {
      setFound([]);
      return;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      listTickets({ q }, { sort: "-updated_at", limit: 6 }, ctl.signal).then(
        (page) => setFound(page.items),
        () => {},
      );
    }, 200);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [query]);

  const commands = useMemo<Command[]>(() => {
    const q = query.trim().toLowerCase();
    const close = (then: () => void) => () => {
      onClose();
      then();
    };
    const list: Command[] = [];
    const ref = REFERENCE.exec(query);
    if (ref) {
      const key = /^[A-Za-z]/.test(query.trim()) ? query.trim().toUpperCase() : ref[1];
      list.push({ id: "open-ref", section: "Tickets", label: `Open ticket ${key}`, run: close(() => navigate(`/agent/tickets/${encodeURIComponent(key)}`)) });
    }
    const actions: Command[] = [
      ...(ticketOpen
        ? [
            { id: "reply", label: "Write a public reply", keys: ["r"] },
            { id: "note", label: "Write an internal note", keys: ["n"] },
            { id: "take", label: "Take it (assign to me)", keys: ["i"] },
            { id: "status", label: "Change the status", keys: ["s"] },
            { id: "priority", label: "Change the priority", keys: ["p"] },
            { id: "assign", label: "Change the assignee", keys: ["a"] },
            { id: "tags", label: "Edit the tags", keys: ["l"] },
            { id: "resolve", label: "Resolve", keys: ["e"] },
            { id: "macro", label: "Apply a macro…", keys: ["m"] },
            { id: "snooze", label: "Snooze… (later today, tomorrow, next week)", keys: ["z"] },
          ]
        : []),
      { id: "new", label: "New ticket for a requester", keys: ["c"] },
      { id: "nav", label: "Hide or show the views", keys: ["["] },
      { id: "help", label: "Keyboard shortcuts", keys: ["?"] },
    ].map((a) => ({ ...a, section: "Actions" as const, run: close(() => press(a.keys[0])) }));
    const goto: Command[] = views.map((v, i) => ({
      id: `view-${v.id}`,
      section: "Go to" as const,
      label: v.name,
      keys: i < 4 ? ["g", String(i + 1)] : undefined,
      run: close(() => navigate(`/agent/views/${v.id}`)),
    }));
    const tools: Command[] = [
      { id: "canned-manager", section: "Actions", label: "Manage canned replies…", run: close(() => openReplyTool({ kind: "canned-manager" })) },
      { id: "macro-manager", section: "Actions", label: "Manage macros…", run: close(() => openReplyTool({ kind: "macro-manager" })) },
      ...(openKey && q.length >= 2
        ? (macros.data ?? []).map((m) => ({
            id: `macro-${m.id}`,
            section: "Actions" as const,
            label: `Apply macro: ${m.name}`,
            run: close(() => openReplyTool({ kind: "macro", ticketKey: openKey, macroId: m.id })),
          }))
        : []),
    ];
    const matches = (c: Command) => !q || ref !== null || c.label.toLowerCase().includes(q);
    list.push(...actions.filter(matches), ...tools.filter(matches), ...goto.filter(matches));
    list.push(
      ...found.map((t) => ({
        id: `t${t.id}`,
        section: "Tickets" as const,
        label: `${t.reference} ${t.subject}`,
        icon: <PriorityIcon priority={t.priority} size={14} withTooltip={false} />,
        run: close(() => navigate(`/agent/tickets/${t.reference}`)),
      })),
    );
    return list;
  }, [query, found, views, ticketOpen, navigate, onClose, openKey, macros.data]);

  useEffect(() => setActive(0), [query, found]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => (commands.length ? (i + (e.key === "ArrowDown" ? 1 : commands.length - 1)) % commands.length : 0));
    } else if (e.key === "Enter") {
      e.preventDefault();
      commands[active]?.run();
    }
  };

  let lastSection = "";
  return (
    <Modal.Root opened={opened} onClose={onClose} size="lg" yOffset="12vh" transitionProps={{ duration: 0 }}>
      <Modal.Overlay />
      <Modal.Content aria-label="Command palette">
        <Modal.Body p={0}>
          <TextInput
            ref={input}
            data-autofocus
            variant="unstyled"
            size="md"
            px="md"
            py={6}
            leftSection={<IconSearch size={16} />}
            placeholder="Type a command, a view, or a ticket (INC-1042, #1042, or words)"
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={onKeyDown}
            role="combobox"
            aria-label="Command or ticket"
            aria-expanded
            aria-controls="palette-options"
            aria-activedescendant={commands[active] ? `palette-${commands[active].id}` : undefined}
            style={{ borderBottom: "1px solid var(--app-border)" }}
          />
          <ScrollArea.Autosize mah="50vh">
            <div role="listbox" id="palette-options" aria-label="Commands" className={classes.palette}>
              {commands.length === 0 && (
                <Text size="sm" c="dimmed" p="md">
                  Nothing matches “{query}”.
                </Text>
              )}
              {commands.map((c, i) => {
                const heading = c.section !== lastSection ? c.section : null;
                lastSection = c.section;
                return (
                  <div key={c.id}>
                    {heading && (
                      <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="md" pt="sm" pb={4} aria-hidden="true">
                        {heading}
                      </Text>
                    )}
                    <ListOption id={`palette-${c.id}`} active={i === active} onHover={() => setActive(i)} onPick={c.run} className={classes.paletteItem}>
                      <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
                        {c.icon}
                        <Text size="sm" truncate>
                          {c.label}
                        </Text>
                      </Group>
                      {c.keys && (
                        <Group gap={4} wrap="nowrap">
                          {c.keys.map((k) => (
                            <Kbd key={k} size="xs">
                              {k}
                            </Kbd>
                          ))}
                        </Group>
                      )}
                    </ListOption>
                  </div>
                );
              })}
            </div>
          </ScrollArea.Autosize>
        </Modal.Body>
      </Modal.Content>
    </Modal.Root>
  );
}

/**
 * Changing a ticket's properties from the workspace: each change shows at once (optimistic),
 * is sent with the version the agent has, one after another so that a second change never
 * races the first, and on failure goes back with an error toast that can retry. A 409 (someone
 * else changed the ticket first) keeps their version on screen and offers to apply ours again.
 */
import { Button, Group, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { Ticket, type Category, type Status, type Team, type User } from "@tessera/contracts";
import { useCallback, useRef, useState } from "react";
import { ApiError } from "../../api/client.ts";
import { updateTicket, type TicketChanges } from "../../api/agent.ts";
import { agentKeys, patchListRows } from "../../api/agent-queries.ts";
import { keys } from "../../api/queries.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { hideToast, toast } from "../toast.ts";

export interface Lookups {
  statuses: Status[];
  staff: Array<Pick<User, "id" | "name" | "email">>;
  teams: Team[];
  categories: Category[];
}

export interface Conflict {
  /** What this agent tried to change. */
  mine: TicketChanges;
  label: string;
  /** The ticket as this agent had it. */
  base: Ticket;
  /** The ticket as it is now. */
  current: Ticket;
}

/** The ticket as it will be once `changes` are saved, for showing before the server answers. */
export function applyChanges(t: Ticket, c: TicketChanges, l: Lookups): Ticket {
  const next: Ticket = { ...t };
  if (c.status !== undefined) {
    const s = l.statuses.find((x) => x.key === c.status);
    if (s) next.status = { key: s.key, label: s.label, requester_label: s.requester_label, category: s.category };
  }
  if (c.priority !== undefined && c.priority !== null) next.priority = c.priority;
  if (c.type !== undefined) next.type = c.type;
  if (c.subject !== undefined) next.subject = c.subject;
  if (c.assignee_id !== undefined) {
    const u = c.assignee_id === null ? null : l.staff.find((x) => x.id === c.assignee_id);
    next.assignee = u ? { id: u.id, name: u.name, email: u.email } : null;
  }
  if (c.team_id !== undefined) {
    const team = c.team_id === null ? null : l.teams.find((x) => x.id === c.team_id);
    next.team = team ? { id: team.id, name: team.name } : null;
  }
  if (c.category_id !== undefined) {
    const cat = c.category_id === null ? null : l.categories.find((x) => x.id === c.category_id);
    next.category = cat ? { id: cat.id, name: cat.name } : null;
  }
  if (c.tags !== undefined) next.tags = [...c.tags].sort();
  if (c.add_tags) next.tags = [...new Set([...next.tags, ...c.add_tags])].sort();
  if (c.remove_tags) next.tags = next.tags.filter((x) => !c.remove_tags!.includes(x));
  if (c.custom_fields) next.custom_fields = { ...next.custom_fields, ...c.custom_fields };
  if (c.resolution_note !== undefined) next.resolution_note = c.resolution_note;
  if (c.root_cause !== undefined) next.root_cause = c.root_cause;
  return next;
}

/** The fields `changes` touch, copied back from `from`. */
function revert(t: Ticket, from: Ticket, c: TicketChanges): Ticket {
  const next: Ticket = { ...t };
  if (c.status !== undefined) next.status = from.status;
  if (c.priority !== undefined) next.priority = from.priority;
  if (c.type !== undefined) next.type = from.type;
  if (c.subject !== undefined) next.subject = from.subject;
  if (c.assignee_id !== undefined) next.assignee = from.assignee;
  if (c.team_id !== undefined) {
    next.team = from.team;
    next.assignee = from.assignee;
  }
  if (c.category_id !== undefined) next.category = from.category;
  if (c.tags !== undefined || c.add_tags || c.remove_tags) next.tags = from.tags;
  if (c.custom_fields) next.custom_fields = from.custom_fields;
  if (c.resolution_note !== undefined) next.resolution_note = from.resolution_note;
  if (c.root_cause !== undefined) next.root_cause = from.root_cause;
  return next;
}

export function useTicketChanges(ticketKey: string, lookups: Lookups) {
  const client = useQueryClient();
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const pending = useRef<TicketChanges[]>([]);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const lookupsRef = useRef(lookups);
  lookupsRef.current = lookups;

  const cacheKey = keys.ticket(ticketKey);
  const read = () => client.getQueryData<Ticket>(cacheKey);
  const write = (t: Ticket) => {
    client.setQueryData(cacheKey, t);
    patchListRows(client, t);
  };
  const withPending = (t: Ticket) => pending.current.reduce((acc, c) => applyChanges(acc, c, lookupsRef.current), t);

  const change = useCallback(
    (changes: TicketChanges, label: string): Promise<Ticket | null> => {
      const before = read();
      if (!before) return Promise.resolve(null);
      pending.current.push(changes);
      write(applyChanges(before, changes, lookupsRef.current));
      setConflict(null);

      const run = async (): Promise<Ticket | null> => {
        const now = read() ?? before;
        try {
          const saved = await updateTicket(before.id, now.version, changes);
          pending.current = pending.current.filter((c) => c !== changes);
          write(withPending(saved));
          void client.invalidateQueries({ queryKey: agentKeys.events(ticketKey) });
          void client.invalidateQueries({ queryKey: agentKeys.counts });
          return saved;
        } catch (err) {
          pending.current = pending.current.filter((c) => c !== changes);
          const current = err instanceof ApiError && err.code === "version_conflict" ? Ticket.safeParse((err.details as { current?: unknown } | undefined)?.current) : null;
          if (current?.success) {
            write(withPending(current.data));
            setConflict({ mine: changes, label, base: before, current: current.data });
            void client.invalidateQueries({ queryKey: agentKeys.events(ticketKey) });
            void client.invalidateQueries({ queryKey: keys.comments(ticketKey) });
            return null;
          }
          write(withPending(revert(read() ?? before, before, changes)));
          const id = `change-${Date.now()}`;
          toast({
            id,
            color: "red",
            autoClose: 12_000,
            title: `${label} was not saved`,
            message: (
              <Group gap="xs" justify="space-between" wrap="nowrap" align="flex-start">
                <Text size="sm" style={{ flex: 1, minWidth: 0 }}>
                  {errorMessage(err)}
                </Text>
                <Button
                  style={{ flexShrink: 0 }}
                  size="compact-xs"
                  variant="light"
                  color="red"
                  onClick={() => {
                    hideToast(id);
                    void changeRef.current(changes, label);
                  }}
                >
                  Retry
                </Button>
              </Group>
            ),
          });
          throw err;
        }
      };
      const p = queue.current.then(run, run);
      queue.current = p.catch(() => null);
      return p;
    },
    // eslint-style exhaustiveness is not needed: everything read is a ref or stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ticketKey, client],
  );
  const changeRef = useRef(change);
  changeRef.current = change;

  return { change, conflict, dismissConflict: () => setConflict(null) };
}

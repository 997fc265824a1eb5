/**
 * What an empty "My open tickets" offers next: how many of the agent's tickets are snoozed
 * (and when the next comes back), and how many in their teams have no owner, with "Take one",
 * which assigns the most urgent of those to them and opens it.
 */
import { Anchor, Button, Group, Text } from "@mantine/core";
import { IconHandGrab, IconMoon } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { listTickets, updateTicket } from "../../api/agent.ts";
import { agentKeys, useTicketCount } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { errorMessage } from "../../ui/query-state.tsx";
import { formatSnooze } from "./snooze-time.ts";
import { toast } from "../toast.ts";
import { ACTIVE, builtinViews } from "../list/views.ts";

export function SnoozeInboxZero() {
  const me = useSignedInUser();
  const client = useQueryClient();
  const navigate = useNavigate();
  const unassignedView = builtinViews(me).find((v) => v.id === "unassigned")!;
  const snoozedFilters = { assignee: "me", status_category: ACTIVE.join(","), snoozed: "true" };
  const snoozed = useTicketCount(snoozedFilters);
  const unassigned = useTicketCount(unassignedView.countFilters!);
  // The next to come back: snoozed lists are short, so the first page says it.
  const next = useQuery({
    queryKey: [...agentKeys.lists, "next-snoozed", me.id],
    queryFn: ({ signal }) => listTickets(snoozedFilters, { sort: "-updated_at", limit: 50 }, signal),
    enabled: !!snoozed.data?.count,
    staleTime: 60_000,
    select: (page) =>
      page.items
        .map((t) => t.snoozed_until)
        .filter((x): x is string => !!x)
        .sort()[0],
  });
  const [taking, setTaking] = useState(false);

  const takeOne = async () => {
    setTaking(true);
    try {
      const page = await listTickets(unassignedView.countFilters!, { sort: "priority", limit: 1 });
      const t = page.items[0];
      if (!t) {
        toast({ message: "Someone was quicker: nothing is unassigned any more." });
        return;
      }
      const taken = await updateTicket(t.id, t.version, { assignee_id: me.id });
      void client.invalidateQueries({ queryKey: agentKeys.lists });
      void client.invalidateQueries({ queryKey: agentKeys.counts });
      navigate(`/agent/views/mine/${taken.reference}`);
    } catch (err) {
      toast({ color: "red", title: "Could not take a ticket", message: errorMessage(err) });
    } finally {
      setTaking(false);
    }
  };

  const nSnoozed = snoozed.data?.count ?? 0;
  const nUnassigned = unassigned.data?.count ?? 0;
  if (!nSnoozed && !nUnassigned) return null;
  return (
    <Group gap="xs" justify="center" mt="md" wrap="wrap" aria-label="What comes next">
      {nSnoozed > 0 && (
        <Text size="sm" c="dimmed">
          <IconMoon size={13} style={{ verticalAlign: -2 }} aria-hidden="true" />{" "}
          <Anchor component={Link} to="/agent/views/open?assignee=me&snoozed=true" size="sm">
            {nSnoozed} snoozed
          </Anchor>
          {next.data ? `, the next back ${formatSnooze(next.data).includes(",") ? "on" : "at"} ${formatSnooze(next.data)}` : ""}
        </Text>
      )}
      {nSnoozed > 0 && nUnassigned > 0 && (
        <Text size="sm" c="dimmed" aria-hidden="true">
          ·
        </Text>
      )}
      {nUnassigned > 0 && (
        <Group gap={6} wrap="nowrap">
          <Text size="sm" c="dimmed">
            <Anchor component={Link} to="/agent/views/unassigned" size="sm">
              {nUnassigned} unassigned in your teams
            </Anchor>{" "}
            —
          </Text>
          <Button size="compact-sm" variant="light" leftSection={<IconHandGrab size={14} />} loading={taking} onClick={() => void takeOne()}>
            Take one
          </Button>
        </Group>
      )}
    </Group>
  );
}

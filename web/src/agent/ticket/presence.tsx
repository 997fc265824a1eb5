/**
 * Collision detection: this agent says where they are (viewing every 10 s, typing while they
 * type, left when they go), and sees who else is on the ticket. Typing is shown apart from
 * viewing: a pen badge, an accent ring and the words "is typing".
 */
import { Avatar, Group, Text, Tooltip } from "@mantine/core";
import { IconPencil } from "@tabler/icons-react";
import { useCallback, useEffect, useRef } from "react";
import { fetchPresence, sendPresence } from "../../api/agent.ts";
import { initials } from "../../ui/format.ts";
import { useLive, usePresenceOn } from "../live.tsx";
import classes from "./ticket-pane.module.css";

const HEARTBEAT_MS = 10_000;

/** Keeps this agent's presence on a ticket; returns a setter for typing. */
export function usePresenceHeartbeat(ticketKey: string, ticketId: number | undefined) {
  const { presence } = useLive();
  const state = useRef<"viewing" | "typing">("viewing");
  useEffect(() => {
    if (ticketId === undefined) return;
    let stopped = false;
    const beat = () => void sendPresence(ticketKey, state.current).catch(() => {});
    beat();
    fetchPresence(ticketKey).then(
      (rows) => !stopped && presence.reset(ticketId, rows),
      () => {},
    );
    const timer = setInterval(beat, HEARTBEAT_MS);
    const onHide = () => {
      if (document.visibilityState === "hidden") void sendPresence(ticketKey, "left").catch(() => {});
      else beat();
    };
    document.addEventListener("visibilitychange", onHide);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onHide);
      void sendPresence(ticketKey, "left").catch(() => {});
    };
  }, [ticketKey, ticketId, presence]);
  return useCallback(
    (typing: boolean) => {
      const next = typing ? "typing" : "viewing";
      if (state.current === next) return;
      state.current = next;
      void sendPresence(ticketKey, next).catch(() => {});
    },
    [ticketKey],
  );
}

export function PresenceAvatars({ ticketId }: { ticketId: number }) {
  const here = usePresenceOn(ticketId);
  if (!here.length) return null;
  const typing = here.filter((p) => p.state === "typing");
  const words =
    typing.length > 0
      ? `${typing.map((p) => p.name).join(" and ")} ${typing.length === 1 ? "is" : "are"} typing`
      : `${here.map((p) => p.name).join(" and ")} ${here.length === 1 ? "is" : "are"} viewing`;
  return (
    <Group gap={6} wrap="nowrap" role="status" aria-label="Other agents on this ticket" className={classes.presenceGroup}>
      <Avatar.Group spacing={6}>
        {here.map((p) => (
          <Tooltip key={p.id} label={`${p.name} is ${p.state === "typing" ? "typing a reply" : "viewing"}`}>
            <span className={classes.presenceAvatar} data-state={p.state}>
              <Avatar size={26} radius="xl" color={p.state === "typing" ? "indigo" : "gray"} variant={p.state === "typing" ? "filled" : "light"} aria-hidden="true">
                {initials(p.name)}
              </Avatar>
              {p.state === "typing" && (
                <span className={classes.typingBadge} aria-hidden="true">
                  <IconPencil size={9} />
                </span>
              )}
            </span>
          </Tooltip>
        ))}
      </Avatar.Group>
      <Text size="xs" c={typing.length ? "indigo.7" : "dimmed"} fw={typing.length ? 600 : 400} className={classes.presenceText} data-testid="presence-text">
        {words}
      </Text>
    </Group>
  );
}

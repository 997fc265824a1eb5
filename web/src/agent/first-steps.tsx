/**
 * A short list of first steps for the admin who has just created Tessera through the setup
 * link (the server sends them to /agent?welcome). It stays, in this browser, until that admin
 * closes it; admins made any other way never see it.
 */
import { Affix, Anchor, CloseButton, Group, List, Paper, Text } from "@mantine/core";
import { useState } from "react";
import { Link, useLocation } from "react-router";
import { useSignedInUser } from "../api/queries.ts";

const storageKey = (userId: number) => `tessera.firstSteps.${userId}`;

const STEPS = [
  { to: "/admin/users", label: "Invite your agents" },
  { to: "/admin/mailboxes", label: "Add a mailbox for email" },
  { to: "/admin/business-hours", label: "Set your business hours" },
];

export function FirstSteps() {
  const me = useSignedInUser();
  const location = useLocation();
  // Read while /agent?welcome is still the address: the workspace moves on to a view at once.
  const [open, setOpen] = useState(() => {
    const key = storageKey(me.id);
    if (me.role === "admin" && new URLSearchParams(location.search).has("welcome") && localStorage.getItem(key) !== "dismissed") {
      localStorage.setItem(key, "open");
    }
    return me.role === "admin" && localStorage.getItem(key) === "open";
  });
  if (!open) return null;
  const dismiss = () => {
    localStorage.setItem(storageKey(me.id), "dismissed");
    setOpen(false);
  };
  return (
    <Affix position={{ bottom: 16, right: 16 }} zIndex={150}>
      <Paper component="section" aria-label="First steps" withBorder shadow="md" p="md" w={300}>
        <Group justify="space-between" mb={6} wrap="nowrap">
          <Text fw={600}>First steps</Text>
          <CloseButton aria-label="Dismiss first steps" onClick={dismiss} />
        </Group>
        <List size="sm" spacing={4}>
          {STEPS.map((s) => (
            <List.Item key={s.to}>
              <Anchor component={Link} to={s.to}>
                {s.label}
              </Anchor>
            </List.Item>
          ))}
        </List>
      </Paper>
    </Affix>
  );
}

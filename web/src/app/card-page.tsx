/** A page outside the app frame: the logo above one card (signing in, answering from a mail link). */
import { Center, Paper, Stack } from "@mantine/core";
import type { ReactNode } from "react";
import { Logo } from "./logo.tsx";

/** `below` is a line of small print under the card. */
export function CardPage({ width, busy, below, children }: { width: number; busy?: boolean; below?: ReactNode; children: ReactNode }) {
  return (
    <Center mih="100vh" p="md" bg="var(--app-bg)">
      <Stack w="100%" maw={width} gap="lg">
        <Center>
          <Logo />
        </Center>
        <Paper p="xl" component="main" aria-busy={busy}>
          {children}
        </Paper>
        {below}
      </Stack>
    </Center>
  );
}

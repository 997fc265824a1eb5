/**
 * The parts of the ticket view whose code arrives after the conversation, so that a ticket opened
 * from a link shows its conversation first: the details panel and the composer load as soon as
 * the pane renders; the resolve, link, merge and split dialogs when first opened, and in the
 * background once the ticket is on screen; the banner of held mail only for a ticket that has some.
 */
import { Box, Skeleton } from "@mantine/core";
import { lazy, useCallback, useRef } from "react";
import type { ComposerHandle, ComposerMode } from "../composer/composer.tsx";
import classes from "./ticket-pane.module.css";

export const loadTicketActions = () => import("./ticket-actions.tsx");

export const Composer = lazy(() => import("../composer/composer.tsx").then((m) => ({ default: m.Composer })));
export const DetailsPanel = lazy(() => import("./details-panel.tsx").then((m) => ({ default: m.DetailsPanel })));
export const ResolveDialog = lazy(() => loadTicketActions().then((m) => ({ default: m.ResolveDialog })));
export const LinkDialog = lazy(() => loadTicketActions().then((m) => ({ default: m.LinkDialog })));
export const MergeDialog = lazy(() => loadTicketActions().then((m) => ({ default: m.MergeDialog })));
export const SplitDialog = lazy(() => loadTicketActions().then((m) => ({ default: m.SplitDialog })));
export const HeldBanner = lazy(() => import("../../ui/held-mail.tsx").then((m) => ({ default: m.HeldBanner })));
export const HeldCopiesBanner = lazy(() => import("../../ui/held-mail.tsx").then((m) => ({ default: m.HeldCopiesBanner })));

/** Where the composer will be, while the conversation or the composer's own code loads. */
export const composerPlaceholder = (
  <Box p="md" style={{ borderTop: "1px solid var(--app-border)" }}>
    <Skeleton height={90} />
  </Box>
);

/** Where the details panel will be while its code loads. */
export const detailsPlaceholder = (
  <div className={classes.details} aria-busy="true" aria-label="Loading the ticket's details">
    <Skeleton height={260} />
  </div>
);

/**
 * The composer's handle, and `open` for the reply and note keys: a key pressed before the
 * composer has loaded opens it once it is there.
 */
export function useComposerOpener() {
  const composer = useRef<ComposerHandle | null>(null);
  const pending = useRef<ComposerMode | null>(null);
  const open = useCallback((mode: ComposerMode) => (composer.current ? composer.current.open(mode) : (pending.current = mode)), []);
  const ref = useCallback((handle: ComposerHandle | null) => {
    composer.current = handle;
    if (handle && pending.current) handle.open(pending.current);
    if (handle) pending.current = null;
  }, []);
  return { open, ref };
}

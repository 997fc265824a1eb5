/**
 * Mantine's Modal and Drawer for screens that only hold one closed (an image preview, a whole
 * message, the views or the details on a narrow screen): their code loads the first time one
 * opens, and stays mounted from then on so that closing plays as before.
 */
import type { Drawer as MantineDrawer, Modal as MantineModal } from "@mantine/core";
import { lazy, Suspense, type ComponentProps, type ComponentType } from "react";
import { useOpenedOnce } from "./opened-once.ts";

export const loadOverlays = () => import("./overlay-parts.ts");

/** An overlay whose code waits in overlay-parts.ts until the first time it opens. */
function lazyOverlay<Props extends { opened: boolean }>(load: () => Promise<ComponentType<Props>>) {
  const Lazy = lazy(() => load().then((component) => ({ default: component })));
  return function Overlay(props: Props) {
    const mounted = useOpenedOnce(props.opened);
    if (!mounted) return null;
    return (
      <Suspense fallback={null}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

export const Modal = lazyOverlay<ComponentProps<typeof MantineModal>>(() => loadOverlays().then((m) => m.Modal));
export const Drawer = lazyOverlay<ComponentProps<typeof MantineDrawer>>(() => loadOverlays().then((m) => m.Drawer));

/**
 * Mantine's Modal and Drawer for screens that only hold one closed (an image preview, a whole
 * message, the views or the details on a narrow screen): their code loads the first time one
 * opens, and stays mounted from then on so that closing plays as before.
 */
import type { Drawer as MantineDrawer, Modal as MantineModal } from "@mantine/core";
import { lazy, Suspense, type ComponentProps } from "react";
import { useOpenedOnce } from "./opened-once.ts";

export const loadOverlays = () => import("./overlay-parts.ts");
const LazyModal = lazy(() => loadOverlays().then((m) => ({ default: m.Modal })));
const LazyDrawer = lazy(() => loadOverlays().then((m) => ({ default: m.Drawer })));

export function Modal(props: ComponentProps<typeof MantineModal>) {
  const mounted = useOpenedOnce(props.opened);
  if (!mounted) return null;
  return (
    <Suspense fallback={null}>
      <LazyModal {...props} />
    </Suspense>
  );
}

export function Drawer(props: ComponentProps<typeof MantineDrawer>) {
  const mounted = useOpenedOnce(props.opened);
  if (!mounted) return null;
  return (
    <Suspense fallback={null}>
      <LazyDrawer {...props} />
    </Suspense>
  );
}

/** A switch that says what each of its states means: `on` while it is on, `off` while it is off. */
import { Switch, type SwitchProps } from "@mantine/core";
import type { ReactNode } from "react";

export function Toggle({ on, off, ...props }: Omit<SwitchProps, "description"> & { on: ReactNode; off: ReactNode }) {
  return <Switch {...props} description={props.checked ? on : off} />;
}

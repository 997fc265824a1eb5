/**
 * A switch that says what each of its states means: `on` while it is on, `off` while it is
 * off. The fields that matter only while it is on (`children`) show under it then.
 */
import { Switch, type SwitchProps } from "@mantine/core";
import type { ReactNode } from "react";

export function Toggle({ on, off, children, ...props }: Omit<SwitchProps, "description" | "children"> & { on: ReactNode; off: ReactNode; children?: ReactNode }) {
  return (
    <>
      <Switch {...props} description={props.checked ? on : off} />
      {props.checked && children}
    </>
  );
}

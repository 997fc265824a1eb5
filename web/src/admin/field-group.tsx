/**
 * A group of fields under a legend, as the SLA forms show them (working hours, holidays,
 * targets, escalations): a line about it, buttons beside the legend when there are any, and
 * the group's error under it.
 */
import { Button, Group, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import type { ReactNode } from "react";
import sla from "./sla-admin.module.css";

/** A group's button that adds a row to it: "Add holiday". */
export function AddButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <Button size="compact-xs" variant="subtle" leftSection={<IconPlus size={13} />} onClick={onClick}>
      {children}
    </Button>
  );
}

export function FieldGroup({ legend, hint, actions, error, children }: { legend: string; hint: ReactNode; actions?: ReactNode; error?: string; children: ReactNode }) {
  const title = (
    <Text component="legend" fw={500} size="sm">
      {legend}
    </Text>
  );
  return (
    <fieldset className={sla.fieldset}>
      {actions ? (
        <Group justify="space-between" align="flex-end" mb={6}>
          <div>
            {title}
            <Text size="xs" c="dimmed">
              {hint}
            </Text>
          </div>
          {actions}
        </Group>
      ) : (
        <>
          {title}
          <Text size="xs" c="dimmed" mb={6}>
            {hint}
          </Text>
        </>
      )}
      {children}
      {error && (
        <Text size="xs" c="red.7" mt={4} role="alert">
          {error}
        </Text>
      )}
    </fieldset>
  );
}

/**
 * A number custom field in the ticket details. Mantine's NumberInput (and the number formatting
 * library under it) loads only when a ticket shows such a field.
 */
import { NumberInput } from "@mantine/core";

export function NumberField({ id, label, value, onSave }: { id: string; label: string; value: unknown; onSave: (v: number | null) => void }) {
  return (
    <NumberInput
      id={id}
      size="xs"
      defaultValue={typeof value === "number" ? value : undefined}
      onBlur={(e) => {
        const v = e.currentTarget.value.trim();
        const n = v === "" ? null : Number(v);
        if (n !== value && (n === null || !Number.isNaN(n))) onSave(n);
      }}
      placeholder="Not set"
      aria-label={label}
    />
  );
}

import { Textarea, type TextareaProps } from "@mantine/core";
import type { Ref } from "react";

type Props = Omit<TextareaProps, "value" | "onChange" | "autosize" | "minRows" | "maxRows" | "rows"> & {
  value: string;
  onChange: (value: string) => void;
  /** Lines shown at first, and at most before it scrolls (no limit when left out). */
  lines: [min: number, max?: number];
  ref?: Ref<HTMLTextAreaElement>;
};

/** A text area that grows with what is written in it, for a text kept in state. */
export function GrowingTextarea({ value, onChange, lines: [minRows, maxRows], ...props }: Props) {
  return <Textarea {...props} autosize minRows={minRows} maxRows={maxRows} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
}

/**
 * One option of a listbox that a text box drives with the arrow keys (mentions, canned replies,
 * macros, commands): never a Tab stop, and `aria-selected` on the one the keys are on. With
 * `keepFocus` it is picked on mouse down, so the text box keeps its focus and caret.
 */
import { Text, UnstyledButton } from "@mantine/core";
import type { ReactNode } from "react";
import classes from "./list-option.module.css";

export function ListOption({
  id,
  active,
  onPick,
  onHover,
  keepFocus = false,
  className,
  children,
}: {
  id: string;
  active: boolean;
  onPick: () => void;
  onHover?: () => void;
  keepFocus?: boolean;
  /** The layout of what is inside (the look of an option comes from here). */
  className?: string;
  children: ReactNode;
}) {
  const pick = keepFocus
    ? {
        onMouseDown: (e: { preventDefault: () => void }) => {
          e.preventDefault();
          onPick();
        },
      }
    : { onClick: onPick };
  return (
    <UnstyledButton id={id} role="option" aria-selected={active} className={className ? `${classes.option} ${className}` : classes.option} onMouseEnter={onHover} tabIndex={-1} {...pick}>
      {children}
    </UnstyledButton>
  );
}

/** A name over a line of small grey text: a teammate and their address, a choice and what it means. */
export function NameAndHint({ name, hint }: { name: ReactNode; hint: ReactNode }) {
  return (
    <>
      <Text size="sm" fw={500}>
        {name}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </>
  );
}

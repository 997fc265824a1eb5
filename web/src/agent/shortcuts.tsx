/**
 * Keyboard shortcuts. Single keys never fire while the agent types in a field, never fire with
 * Ctrl, Cmd or Alt held (there are no Alt+letter bindings: on many layouts Alt types characters
 * such as @), and wait while a dialog is open. `?` lists them (shortcut-sheet.tsx).
 */
import { useEffect, useRef } from "react";

/** True when a key press belongs to a text field, select or editable area. */
export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (target as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
  }
  return target.getAttribute("role") === "combobox" || target.getAttribute("role") === "textbox";
}

function dialogOpen(): boolean {
  return !!document.querySelector('[role="dialog"][aria-modal="true"]');
}

export type KeyHandler = (e: KeyboardEvent) => void;

/**
 * Binds single keys ("j", "?", "[", "Escape") for as long as the component is mounted. Handlers
 * are read at the time of the key press, so they may close over fresh state.
 */
export function useShortcuts(bindings: Record<string, KeyHandler>, enabled = true) {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (isEditable(e.target) || dialogOpen()) return;
      // Keys pressed inside a menu, popover or list box belong to it (Esc closes it, nothing more).
      if (e.target instanceof Element && e.target.closest('[role="menu"], [role="dialog"], [role="listbox"]')) return;
      // Shift only counts as part of a character such as "?"; Shift+letter is not bound.
      if (e.shiftKey && /^[a-z]$/i.test(e.key)) return;
      const handler = ref.current[e.key];
      if (!handler) return;
      e.preventDefault();
      handler(e);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}

/**
 * The composer's send keys: Ctrl/Cmd+Enter sends (as the agent's default says), with Shift it
 * sends and resolves. Null for any other key, so a field can pass everything else on.
 */
export function sendIntent(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): "send" | "resolve" | null {
  if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || e.altKey) return null;
  return e.shiftKey ? "resolve" : "send";
}

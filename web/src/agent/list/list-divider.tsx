/**
 * The divider between the ticket list and the open ticket. The agent drags it (or focuses it and
 * presses the arrow keys) to give the list more or less room; the width is kept in this browser.
 * What is kept is the list's width with the views nav shown: hiding the nav adds its width to the
 * list, so the ticket keeps its size and the list gets the space.
 */
import { useLayoutEffect, useRef, useState } from "react";
import classes from "../workspace.module.css";

const KEY = "tessera.agent.listWidth";
/** The views nav's width in px (workspace.module.css). */
export const NAV_WIDTH = 236;
/** The list is never narrower than this (px): a subject and its SLA badge still fit. */
const LIST_MIN = 320;
/** Nor wider: past 820 px the list turns into a table (ticket-list.module.css). */
const LIST_MAX = 800;
/** The default width with the nav shown (px). */
const LIST_DEFAULT = 440;
/** Room left for the open ticket: its conversation and, on a wide window, the 320 px details panel. */
const ticketMin = () => (window.innerWidth >= 1200 ? 680 : 420);
/** One arrow key press moves the divider this far (px); with Shift, four times as far. */
const STEP = 16;

function stored(): number {
  try {
    const n = Number(localStorage.getItem(KEY));
    return Number.isFinite(n) && n > 0 ? n : LIST_DEFAULT;
  } catch {
    return LIST_DEFAULT;
  }
}

function store(width: number) {
  try {
    localStorage.setItem(KEY, String(Math.round(width)));
  } catch {
    // private mode: the width lasts for this page only
  }
}

export interface ListWidth {
  /** The list's width now (px), within its limits. */
  width: number;
  min: number;
  max: number;
  /** Sets the list's width (clamped); `save` keeps it for the next visit. */
  resize: (width: number, save: boolean) => void;
  /** Back to the default width (a double click on the divider). */
  reset: () => void;
}

/** The list's width in the split layout of `main` (the element holding list and ticket). */
export function useListWidth(main: HTMLElement | null, navHidden: boolean): ListWidth {
  const [base, setBase] = useState(stored);
  const [available, setAvailable] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = main;
    if (!el) return;
    const measure = () => setAvailable(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [main]);
  const extra = navHidden ? NAV_WIDTH : 0;
  const max = Math.max(LIST_MIN, Math.min(LIST_MAX, available === null ? LIST_MAX : available - ticketMin()));
  const clamp = (w: number) => Math.round(Math.min(max, Math.max(LIST_MIN, w)));
  const width = clamp(base + extra);
  const resize = (next: number, save: boolean) => {
    const kept = clamp(next) - extra;
    setBase(kept);
    if (save) store(kept);
  };
  const reset = () => {
    setBase(LIST_DEFAULT);
    store(LIST_DEFAULT);
  };
  return { width, min: LIST_MIN, max, resize, reset };
}

/** A vertical separator the agent drags, or moves with ←/→ (Shift for bigger steps), Home and End. */
export function ListDivider({ list, controls }: { list: ListWidth; controls: string }) {
  const drag = useRef<{ x: number; width: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? STEP * 4 : STEP;
    const next = ({ ArrowLeft: list.width - step, ArrowRight: list.width + step, Home: list.min, End: list.max } as Record<string, number>)[e.key];
    if (next === undefined) return;
    e.preventDefault();
    list.resize(next, true);
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the ticket list"
      aria-controls={controls}
      aria-valuenow={list.width}
      aria-valuemin={list.min}
      aria-valuemax={list.max}
      tabIndex={0}
      className={classes.divider}
      data-dragging={dragging || undefined}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, width: list.width };
        setDragging(true);
      }}
      onPointerMove={(e) => {
        if (drag.current) list.resize(drag.current.width + e.clientX - drag.current.x, false);
      }}
      onPointerUp={(e) => {
        if (!drag.current) return;
        list.resize(drag.current.width + e.clientX - drag.current.x, true);
        drag.current = null;
        setDragging(false);
      }}
      onPointerCancel={() => {
        drag.current = null;
        setDragging(false);
      }}
      onDoubleClick={list.reset}
    />
  );
}

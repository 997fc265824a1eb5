/**
 * The composer's draft, kept on the server per ticket and agent so it follows the agent to
 * another device, with a copy in this browser until the server has confirmed it: a failed
 * save, a closed tab or a lost connection never loses text.
 *
 * - On open: the local copy (if any) shows at once; the server's draft replaces it unless the
 *   local copy holds changes the server never got.
 * - While typing: saved about 1 s after the last key, and at once on blur, unmount or page hide.
 * - On failure: "Not saved — retrying", retried with a growing pause; the local copy stays.
 * - A draft changed on another device is loaded when this window regains focus, as long as this
 *   one has nothing unsaved; if both changed, the one typed last wins.
 */
import { useQueryClient } from "@tanstack/react-query";
import type { ReplyDraft } from "@tessera/contracts";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../../api/client.ts";
import { agentKeys } from "../../api/agent-queries.ts";
import { fetchDraft, saveDraft } from "./draft-api.ts";
import type { Mention } from "../composer/mentions.ts";

export interface DraftContent {
  mode: "reply" | "note";
  text: string;
  mentions: Mention[];
}

/** What the agent sees next to the send button. */
export type DraftSaveState = { kind: "idle" } | { kind: "saving" } | { kind: "saved" } | { kind: "retrying" } | { kind: "failed"; message: string };

interface LocalCopy extends DraftContent {
  /** The server version this text was based on (0: none); absent in copies from older Tessera. */
  base?: number;
}

const SAVE_AFTER_MS = 1_000;
const RETRY_MS = [2_000, 5_000, 10_000, 30_000];

const localKey = (ticketId: number) => `tessera.agent.draft.${ticketId}`;

/** The copy kept in this browser, read synchronously so the box is filled on first paint. */
export function readLocalDraft(ticketId: number): LocalCopy | null {
  try {
    const v = JSON.parse(localStorage.getItem(localKey(ticketId)) ?? "null") as LocalCopy | null;
    return v && typeof v.text === "string" ? v : null;
  } catch {
    return null;
  }
}

function writeLocal(ticketId: number, copy: LocalCopy | null) {
  try {
    if (copy) localStorage.setItem(localKey(ticketId), JSON.stringify(copy));
    else localStorage.removeItem(localKey(ticketId));
  } catch {
    /* storage full or disabled: the server copy is all there is */
  }
}

/** One string per distinct content; "" for a blank box (which means "no draft"). */
const keyOf = (c: DraftContent) => (c.text.trim() ? JSON.stringify([c.mode, c.text, c.mentions.map((m) => m.id)]) : "");
const fromServer = (d: ReplyDraft): DraftContent => ({ mode: d.mode, text: d.body, mentions: d.mentions });

/** Errors a retry cannot fix: the text is too long, the ticket is gone, access was lost. */
const isPermanent = (err: unknown) => err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 409, 429].includes(err.status);

export function useServerDraft(
  ticketId: number,
  content: DraftContent,
  opts: {
    /** While true, a blank box is not saved: the text is on its way out (undo window, sending). */
    hold: () => boolean;
    /** The server's draft, to put in the box (the box has nothing unsaved). */
    onRestore: (draft: DraftContent) => void;
  },
) {
  const client = useQueryClient();
  const [state, setState] = useState<DraftSaveState>({ kind: "idle" });
  const latest = useRef(content);
  latest.current = content;
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const initialLocal = useRef(readLocalDraft(ticketId));
  /** Server version of the draft as last seen; null until the first load answered. */
  const version = useRef<number | null>(null);
  /** The content the server is known to hold ("" for none). */
  const synced = useRef<string | null>(null);
  const touched = useRef(false);
  const lastKey = useRef(keyOf(content));
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const inFlight = useRef(false);
  const again = useRef(false);
  const skipped = useRef(false);
  const failures = useRef(0);
  const alive = useRef(true);

  const schedule = useCallback((ms: number, run: () => void) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(run, ms);
  }, []);

  const save = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (version.current === null) return; // the first load is still out; it saves when it lands
    const c = latest.current;
    const key = keyOf(c);
    if (!key && optsRef.current.hold()) {
      skipped.current = true;
      return;
    }
    if (key === synced.current) {
      if (alive.current) setState({ kind: key ? "saved" : "idle" });
      return;
    }
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    if (alive.current) setState({ kind: "saving" });
    const hadDraft = version.current > 0;
    try {
      const stored = await saveDraft(ticketId, { mode: c.mode, body: key ? c.text : "", mentions: c.mentions, version: version.current });
      version.current = stored?.version ?? 0;
      synced.current = key;
      failures.current = 0;
      if (keyOf(latest.current) === key) writeLocal(ticketId, null);
      if (alive.current) setState({ kind: key ? "saved" : "idle" });
      // The list marks tickets with drafts: refresh it when this one starts or stops having one.
      if (hadDraft !== !!stored) void client.invalidateQueries({ queryKey: agentKeys.lists });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // Changed on another device since we read it: what is typed here, now, wins.
        const current = (err.details as { current?: ReplyDraft | null } | undefined)?.current;
        version.current = current?.version ?? 0;
        again.current = true;
      } else if (isPermanent(err)) {
        if (alive.current) setState({ kind: "failed", message: (err as Error).message });
      } else {
        const wait = RETRY_MS[Math.min(failures.current++, RETRY_MS.length - 1)];
        if (alive.current) setState({ kind: "retrying" });
        if (alive.current) schedule(wait, () => void save());
      }
    } finally {
      inFlight.current = false;
    }
    if (again.current) {
      again.current = false;
      return save();
    }
  }, [client, schedule, ticketId]);

  /** Reads the server's draft; takes it into the box unless the box holds unsaved changes. */
  const load = useCallback(async () => {
    try {
      const d = await fetchDraft(ticketId);
      if (!alive.current) return;
      const first = version.current === null;
      const serverKey = d ? keyOf(fromServer(d)) : "";
      const local = first ? initialLocal.current : null;
      const unsavedHere = touched.current || (first ? !!local && keyOf(local) !== serverKey && (local.base ?? 0) === (d?.version ?? 0) : keyOf(latest.current) !== synced.current);
      version.current = d?.version ?? 0;
      if (unsavedHere) {
        // This box has text the server never got: keep it, and send it.
        if (first) synced.current = serverKey;
        failures.current = 0;
        void save();
        return;
      }
      synced.current = serverKey;
      writeLocal(ticketId, null);
      if (serverKey !== keyOf(latest.current)) {
        // No draft on the server: sent or discarded elsewhere, so this box empties too.
        optsRef.current.onRestore(d ? fromServer(d) : { mode: latest.current.mode, text: "", mentions: [] });
        lastKey.current = serverKey;
      }
      setState({ kind: d ? "saved" : "idle" });
    } catch {
      if (!alive.current || version.current !== null) return;
      // Not loaded yet: keep the local copy on screen and try again.
      setState({ kind: "retrying" });
      schedule(RETRY_MS[Math.min(failures.current++, RETRY_MS.length - 1)], () => void load());
    }
  }, [save, schedule, ticketId]);

  useEffect(() => {
    alive.current = true;
    void load();
    return () => {
      alive.current = false;
    };
  }, [load]);

  // Each change: keep a local copy at once, save to the server after a pause.
  const key = keyOf(content);
  useEffect(() => {
    if (key === lastKey.current) return;
    lastKey.current = key;
    touched.current = true;
    if (!key && optsRef.current.hold()) {
      skipped.current = true;
      return;
    }
    writeLocal(ticketId, key ? { ...latest.current, base: version.current ?? 0 } : version.current ? { ...latest.current, base: version.current } : null);
    schedule(SAVE_AFTER_MS, () => void save());
  }, [key, save, schedule, ticketId]);

  // A blank box held back (undo window, sending) is saved once the hold ends, if still blank.
  useEffect(() => {
    if (skipped.current && !opts.hold()) {
      skipped.current = false;
      schedule(SAVE_AFTER_MS, () => void save());
    }
  });

  // Save at once when the agent leaves: page hidden, window blurred, composer unmounted.
  // Coming back, pick up what another device saved meanwhile.
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === "hidden") void save();
      else if (version.current !== null && keyOf(latest.current) === synced.current && !inFlight.current) void load();
    };
    const onBlur = () => void save();
    const onFocus = () => {
      if (version.current !== null && keyOf(latest.current) === synced.current && !inFlight.current) void load();
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("blur", onBlur);
    window.addEventListener("focus", onFocus);
    return () => {
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("blur", onBlur);
      window.removeEventListener("focus", onFocus);
      clearTimeout(timer.current);
      void save();
    };
  }, [load, save]);

  return {
    state,
    /** Save now (the textarea lost focus). */
    flush: () => void save(),
    /** The reply or note was posted: the server dropped the draft with it. */
    sent() {
      clearTimeout(timer.current);
      version.current = 0;
      synced.current = "";
      lastKey.current = "";
      skipped.current = false;
      writeLocal(ticketId, null);
      setState({ kind: "idle" });
      void client.invalidateQueries({ queryKey: agentKeys.lists });
    },
  };
}

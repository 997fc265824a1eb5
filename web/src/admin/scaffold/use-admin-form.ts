/**
 * The state of one admin editor: the draft against what is saved, checks made before asking
 * the server, the server's field errors, the guard against leaving unsaved changes, and
 * "Saved" in the footer after a save. `editorProps` feeds the `Editor` frame.
 */
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { announce, formErrors, same, useJustSaved, useUnsavedGuard } from "../layout.tsx";
import type { AdminCollection } from "./use-admin-collection.ts";
import { useConfirmedAction } from "./use-confirmed-action.ts";
import { bindDraft } from "./bind-draft.ts";

export interface AdminFormOptions<D, R> {
  /** What the form starts from and what Revert returns to. */
  base: D;
  /** The request fields the form shows errors for. */
  fields: readonly string[];
  /** Where a 409 (a taken key or name) is shown. */
  conflictField?: string;
  /** Problems found before asking the server, by field. */
  check?: (draft: D) => Record<string, string>;
  save: (draft: D) => Promise<R>;
  /**
   * After a save. An edit form gives `draftOf`, stays and shows "Saved"; a create form gives
   * none, so the guard lets it leave (it usually navigates to the new item).
   */
  onSaved: (result: R) => void;
  draftOf?: (result: R) => D;
  /** When a save takes something away: ask first, in a dialog fed by `confirm`. */
  confirmIf?: (draft: D) => boolean;
  /** Deleting the item, asked first in a dialog fed by `removal`; the guard lets it leave. */
  remove?: () => Promise<unknown>;
  onRemoved?: () => void;
}

export function useAdminForm<D, R>({ base, fields, conflictField, check, save, onSaved, draftOf, confirmIf, remove, onRemoved }: AdminFormOptions<D, R>) {
  const [draft, setDraft] = useState(base);
  const [confirming, setConfirming] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [justSaved, markSaved] = useJustSaved();
  const dirty = !same(draft, base);
  const guard = useUnsavedGuard(dirty);
  const mutation = useMutation({
    mutationFn: () => save(draft),
    onSuccess: (result) => {
      setConfirming(false);
      if (draftOf) {
        setDraft(draftOf(result));
        markSaved();
      } else guard.allow();
      onSaved(result);
    },
    onError: () => setConfirming(false),
  });
  const removal = useConfirmedAction(
    () => remove!(),
    () => {
      guard.allow();
      onRemoved?.();
    },
  );
  const server = formErrors(mutation.error, fields, conflictField);
  /** Runs the checks; when they pass, asks first or saves. */
  const submit = () => {
    const found = check?.(draft) ?? {};
    setLocal(found);
    if (Object.keys(found).length) return;
    if (confirmIf?.(draft)) setConfirming(true);
    else mutation.mutate();
  };
  const revert = () => {
    setDraft(base);
    setLocal({});
    mutation.reset();
  };
  const errors = { ...server.fields, ...local };
  return {
    draft,
    setDraft,
    /** Binds the form's inputs to the draft: `{...form.bind.text("name")}`. */
    bind: bindDraft(draft, setDraft, errors),
    dirty,
    guard,
    mutation,
    errors,
    general: server.general,
    submit,
    revert,
    /** For a ConfirmDialog: open while asking, confirming saves. */
    confirm: { opened: confirming, onClose: () => setConfirming(false), onConfirm: () => mutation.mutate(), busy: mutation.isPending },
    askRemove: () => removal.ask(),
    /** For the ConfirmDialog of a delete. */
    removal: removal.dialog,
    editorProps: { dirty, saving: mutation.isPending, onSubmit: submit, onRevert: draftOf ? revert : undefined, guard, justSaved },
  };
}

/** The form for a new item of a list page: once added, it is announced and opened. */
export function useCreateForm<D, T>(
  collection: AdminCollection<T>,
  { announce: words, onSaved, ...options }: Omit<AdminFormOptions<D, T>, "onSaved" | "draftOf"> & { announce: (item: T) => string; onSaved?: (item: T) => void },
) {
  const navigate = useNavigate();
  const form = useAdminForm({
    ...options,
    onSaved: (item) => {
      collection.added(item);
      onSaved?.(item);
      announce(words(item));
      navigate(collection.hrefOf(item));
    },
  });
  return { ...form, editorProps: { ...form.editorProps, ...collection.back } };
}

/** The form for an item of a list page: saves in place; a delete announces it and goes back to the list. */
export function useEditForm<D, T>(
  collection: AdminCollection<T>,
  item: T,
  { draftOf, onSaved, removed, ...options }: Omit<AdminFormOptions<D, T>, "onSaved" | "base" | "onRemoved"> & { draftOf: (item: T) => D; onSaved?: (item: T) => void; removed?: string },
) {
  const navigate = useNavigate();
  const base = useMemo(() => draftOf(item), [item, draftOf]);
  const form = useAdminForm({
    ...options,
    base,
    draftOf,
    onSaved: (saved) => {
      collection.saved(saved);
      onSaved?.(saved);
    },
    onRemoved: () => {
      collection.removed(item);
      if (removed) announce(removed);
      navigate(collection.path);
    },
  });
  return { ...form, base, editorProps: { ...form.editorProps, ...collection.back } };
}

/**
 * Canned replies and macros as one kind of library each: their words, their form and how an
 * item is saved or deleted (the lists are fetched again after). The workspace's managers and
 * the admin pages both read them, so the two never drift apart.
 */
import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { CannedReply, Macro } from "@tessera/contracts";
import type { ReactNode } from "react";
import { useStaff, useStatuses, useTeams } from "../../api/agent-queries.ts";
import { useSignedInUser } from "../../api/queries.ts";
import { createCannedReply, createMacro, deleteCannedReply, deleteMacro, replyKeys, updateCannedReply, updateMacro, useCannedReplies, useMacros } from "../../api/replies.ts";
import { CannedFields, cannedDraftOf, cannedInputOf, checkCanned, emptyCanned, type CannedDraft } from "./canned-fields.tsx";
import { checkMacro, emptyMacro, MacroFields, macroDraftOf, macroInputOf, type MacroDraft } from "./macro-fields.tsx";
import type { LibraryItem } from "./scope.ts";

export interface Library<Item extends LibraryItem, Draft> {
  title: string;
  noun: string;
  /** The request fields the form shows errors for. */
  fieldNames: readonly string[];
  query: { data: Item[] | undefined; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  /** The cache key of that list. */
  queryKey: QueryKey;
  nameOf: (i: Item) => string;
  emptyDraft: () => Draft;
  draftOf: (i: Item) => Draft;
  check: (d: Draft) => Record<string, string>;
  /** Adds (no item) or changes one. */
  save: (d: Draft, item: Item | null) => Promise<Item>;
  remove: (item: Item) => Promise<void>;
  fields: (draft: Draft, setDraft: (d: Draft) => void, errors: Record<string, string>) => ReactNode;
}

type ListName = "usable" | "shared";

/** What an admin adds is for everyone unless they say otherwise; what an agent adds is theirs. */
const firstScope = <Draft,>(draft: Draft, list: ListName): Draft => ({ ...draft, ...(list === "shared" ? { scope: "everyone" as const } : {}) });

/** Saving and deleting through the API, each followed by fetching the lists again. */
function useWrites<Item extends LibraryItem, Input>(
  queryKey: readonly unknown[],
  api: { create: (input: Input) => Promise<Item>; update: (id: number, input: Input) => Promise<Item>; remove: (id: number) => Promise<unknown> },
): { save: (input: Input, item: Item | null) => Promise<Item>; remove: (item: Item) => Promise<void> } {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey });
  return {
    save: async (input, item) => {
      const saved = item ? await api.update(item.id, input) : await api.create(input);
      refresh();
      return saved;
    },
    remove: async (item) => {
      await api.remove(item.id);
      refresh();
    },
  };
}

export function useCannedLibrary(list: ListName = "usable"): Library<CannedReply, CannedDraft> {
  const me = useSignedInUser();
  const teams = useTeams();
  const writes = useWrites(replyKeys.allCanned, { create: createCannedReply, update: updateCannedReply, remove: deleteCannedReply });
  return {
    title: "Canned replies",
    noun: "canned reply",
    fieldNames: ["title", "body", "scope", "team_id"],
    query: useCannedReplies(list),
    queryKey: replyKeys.canned(list),
    nameOf: (r) => r.title,
    emptyDraft: () => firstScope(emptyCanned(), list),
    draftOf: cannedDraftOf,
    check: checkCanned,
    save: (d, item) => writes.save(cannedInputOf(d), item),
    remove: writes.remove,
    fields: (draft, setDraft, errors) => <CannedFields draft={draft} setDraft={setDraft} errors={errors} me={me} teams={teams.data ?? []} />,
  };
}

export function useMacroLibrary(list: ListName = "usable"): Library<Macro, MacroDraft> {
  const me = useSignedInUser();
  const teams = useTeams();
  const statuses = useStatuses();
  const staff = useStaff();
  const writes = useWrites(replyKeys.allMacros, { create: createMacro, update: updateMacro, remove: deleteMacro });
  return {
    title: "Macros",
    noun: "macro",
    fieldNames: ["name", "description", "actions", "scope", "team_id"],
    query: useMacros(list),
    queryKey: replyKeys.macros(list),
    nameOf: (m) => m.name,
    emptyDraft: () => firstScope(emptyMacro(), list),
    draftOf: macroDraftOf,
    check: checkMacro,
    save: (d, item) => writes.save(macroInputOf(d), item),
    remove: writes.remove,
    fields: (draft, setDraft, errors) => <MacroFields draft={draft} setDraft={setDraft} errors={errors} me={me} teams={teams.data ?? []} statuses={statuses.data ?? []} staff={staff.data ?? []} />,
  };
}

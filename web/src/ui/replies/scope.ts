/** What canned replies and macros share: who may use one, in words. */
import type { Me, ReplyScope, Team } from "@tessera/contracts";

export interface LibraryItem {
  id: number;
  editable: boolean;
  scope: ReplyScope;
  team: { name: string } | null;
  owner: { name: string } | null;
}

export const scopeLabel = (i: Pick<LibraryItem, "scope" | "team">) => (i.scope === "personal" ? "Only you" : i.scope === "team" ? (i.team?.name ?? "A team") : "Everyone");

/** What the form of a canned reply or of a macro is given: the draft, its errors, and who is editing. */
export interface LibraryFieldsProps<Draft> {
  draft: Draft;
  setDraft: (d: Draft) => void;
  errors: Record<string, string>;
  me: Pick<Me, "role" | "team_ids">;
  teams: Team[];
}

/** What canned replies and macros share: who may use one, in words. */
import type { ReplyScope } from "@tessera/contracts";

export interface LibraryItem {
  id: number;
  editable: boolean;
  scope: ReplyScope;
  team: { name: string } | null;
  owner: { name: string } | null;
}

export const scopeLabel = (i: Pick<LibraryItem, "scope" | "team">) => (i.scope === "personal" ? "Only you" : i.scope === "team" ? (i.team?.name ?? "A team") : "Everyone");

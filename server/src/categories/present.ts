/** Categories as the API shows them: each with its full path ("Hardware / Laptops") and its default team by name. */
import type { Category } from "@tessera/contracts";
import type { Executor } from "../context.ts";

type Row = { id: number; parent_id: number | null; name: string; default_team_id: number | null; default_type: string | null; active: number };

export async function presentCategories(db: Executor, rows: Row[]): Promise<Category[]> {
  const all = await db.selectFrom("categories").select(["id", "parent_id", "name"]).execute();
  const byId = new Map(all.map((c) => [c.id, c]));
  const teams = await db.selectFrom("teams").select(["id", "name"]).execute();
  const pathOf = (id: number): string => {
    const names: string[] = [];
    for (let c = byId.get(id), depth = 0; c && depth < 20; c = c.parent_id ? byId.get(c.parent_id) : undefined, depth++) names.unshift(c.name);
    return names.join(" / ");
  };
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    parent_id: r.parent_id,
    path: pathOf(r.id),
    default_team: teams.find((t) => t.id === r.default_team_id) ?? null,
    default_type: (r.default_type as Category["default_type"]) ?? null,
    active: !!r.active,
  }));
}

import type { Executor } from "../context.ts";
import { invalid } from "../errors.ts";

/** Refuses, as a 400 on `field`, an id no team has; null and undefined mean "no team" and pass. */
export async function assertTeamExists(db: Executor, field: string, teamId: number | null | undefined): Promise<void> {
  if (teamId == null) return;
  if (!(await db.selectFrom("teams").select("id").where("id", "=", teamId).executeTakeFirst())) throw invalid(field, `no team has the id ${teamId}`);
}

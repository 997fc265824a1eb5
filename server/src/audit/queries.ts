/** Reading the audit trail: one keyset-paginated query over stable, increasing ids. */
import type { AuditQuery } from "@tessera/contracts";
import type { Executor } from "../context.ts";

/**
 * A page of entries with the filters applied, plus one more row to tell whether a next page
 * exists. `after` is the id of the last entry of the previous page, in the order asked for.
 */
export function listAuditEvents(db: Executor, q: AuditQuery) {
  const actorId = q.actor && /^\d+$/.test(q.actor) ? Number(q.actor) : undefined;
  const actorEmail = q.actor && actorId === undefined ? q.actor.toLowerCase() : undefined;
  const group = q.action && !q.action.includes(".") ? q.action : undefined;
  return (
    db
      .selectFrom("audit_events")
      .selectAll()
      .$if(actorId !== undefined, (b) => b.where("actor_id", "=", actorId!))
      // A failed sign-in has no actor: filtering by an email finds the attempts made with it too.
      .$if(actorEmail !== undefined, (b) =>
        b.where((eb) => eb.or([eb("actor_email", "=", actorEmail!), eb.and([eb("actor_id", "is", null), eb("target_type", "=", "user"), eb("target_label", "=", actorEmail!)])])),
      )
      .$if(!!q.action && !group, (b) => b.where("action", "=", q.action!))
      .$if(!!group, (b) => b.where("action", "like", `${group}.%`))
      .$if(!!q.from, (b) => b.where("created_at", ">=", new Date(q.from!).toISOString()))
      .$if(!!q.to, (b) => b.where("created_at", "<", new Date(q.to!).toISOString()))
      .$if(q.after !== undefined, (b) => b.where("id", q.order === "asc" ? ">" : "<", Number(q.after)))
      .orderBy("id", q.order)
      .limit(q.limit + 1)
      .execute()
  );
}

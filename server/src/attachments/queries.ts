import type { Actor } from "../auth/actor.ts";
import { isStaff } from "../auth/actor.ts";
import type { Executor } from "../context.ts";
import { visibleTo } from "../tickets/policy.ts";

/**
 * The attachment if this actor may see it, else undefined. One predicate, in SQL:
 * - an upload not yet attached is its uploader's alone;
 * - an attached one follows its ticket's visibility (the tickets policy, so no path disagrees);
 * - one on an internal note is for staff only, even if the requester can see the ticket.
 */
export function findVisibleAttachment(db: Executor, actor: Actor, id: number) {
  return db
    .selectFrom("attachments")
    .leftJoin("comments", "comments.id", "attachments.comment_id")
    .selectAll("attachments")
    .where("attachments.id", "=", id)
    .where((eb) =>
      eb.or([
        eb.and([eb("attachments.ticket_id", "is", null), eb("attachments.uploader_id", "=", actor.id)]),
        eb.exists(eb.selectFrom("tickets").select("tickets.id").whereRef("tickets.id", "=", "attachments.ticket_id").where(visibleTo(actor))),
      ]),
    )
    .$if(!isStaff(actor), (qb) => qb.where((eb) => eb.or([eb("comments.internal", "is", null), eb("comments.internal", "=", 0)])))
    .executeTakeFirst();
}

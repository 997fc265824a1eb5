/** "A P2 incident created at <time> under this policy (or calendar) is due at ...", for the admin screens. */
import { SLA_TARGET_KINDS, type SlaPreview, type SlaPreviewInput } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { AppError, invalid } from "../errors.ts";
import { BusinessCalendar, CalendarExhausted, formatDuration } from "./calendar.ts";
import { checkCalendar, getCalendar, getPolicy } from "./admin.ts";

const TYPE_WORDS: Record<string, string> = { incident: "incident", service_request: "service request", problem: "problem", change: "change" };
const KIND_WORDS: Record<string, string> = { first_response: "first response", next_response: "next response (after each requester message)", resolution: "resolution" };

export async function previewSla(ctx: AppContext, input: SlaPreviewInput): Promise<SlaPreview> {
  const policy = input.policy_id !== undefined ? await getPolicy(ctx.db, input.policy_id).catch(() => undefined) : undefined;
  if (input.policy_id !== undefined && !policy) throw invalid("policy_id", `no policy has the id ${input.policy_id}`);
  let calendar: { id: number | null; name: string; time_zone: string; def: ConstructorParameters<typeof BusinessCalendar>[0] };
  if (input.calendar) {
    checkCalendar(input.calendar, ctx.clock.now(), "calendar.");
    calendar = { id: null, name: "(unsaved calendar)", time_zone: input.calendar.time_zone, def: input.calendar };
  } else {
    const id = input.calendar_id ?? policy?.calendar_id;
    if (id === undefined) throw invalid("calendar_id", "give a policy_id, a calendar_id or a calendar to count in");
    const rec = await getCalendar(ctx.db, id).catch(() => undefined);
    if (!rec) throw invalid("calendar_id", `no calendar has the id ${id}`);
    calendar = { id: rec.id, name: rec.name, time_zone: rec.time_zone, def: rec };
  }
  const targets = input.targets ?? policy?.targets[input.priority as "P1"];
  if (!targets) throw invalid("targets", policy ? `the policy "${policy.name}" has no targets for ${input.priority}` : "give targets, or a policy_id whose targets to use");
  const created = input.created_at ? new Date(input.created_at) : ctx.clock.now();
  const cal = new BusinessCalendar(calendar.def);
  const what = `A ${input.priority} ${TYPE_WORDS[input.type] ?? input.type} created ${cal.formatLocal(created.getTime())}`;
  const rows = [];
  for (const kind of SLA_TARGET_KINDS) {
    const minutes = targets[kind];
    if (minutes == null) continue;
    let due: number;
    try {
      due = cal.addBusinessMs(created.getTime(), minutes * 60_000);
    } catch (err) {
      if (err instanceof CalendarExhausted)
        throw new AppError(
          "validation_failed",
          422,
          `The calendar "${calendar.name}" runs out of working time before the ${KIND_WORDS[kind]} target of ${formatDuration(minutes * 60_000)} is reached: ${err.message}`,
        );
      throw err;
    }
    rows.push({
      kind,
      target_minutes: minutes,
      due_at: new Date(due).toISOString(),
      due_local: cal.formatLocal(due),
      sentence: `${what} is due for its ${KIND_WORDS[kind]} by ${cal.formatLocal(due)}: ${formatDuration(minutes * 60_000)} of business time in "${calendar.name}"${policy ? ` under "${policy.name}"` : ""}.`,
    });
  }
  return {
    created_at: created.toISOString(),
    priority: input.priority as SlaPreview["priority"],
    type: input.type as SlaPreview["type"],
    calendar: { id: calendar.id, name: calendar.name, time_zone: calendar.time_zone },
    targets: rows,
  };
}

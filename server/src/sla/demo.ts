/** The demo desk's SLAs: an office-hours calendar with holidays, and three policies in order. */
import type { PolicyInput } from "@tessera/contracts";
import type { AppContext } from "../context.ts";
import { createCalendar, createPolicy } from "./admin.ts";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"] as const;

export async function seedSlaPolicies(ctx: AppContext, opts: { vipOrganizationId: number }): Promise<void> {
  // Seeding twice keeps what the first run made.
  if (await ctx.db.selectFrom("sla_policies").select("id").where("name", "=", "Standard").executeTakeFirst()) return;
  const always = await ctx.db.selectFrom("sla_calendars").select("id").where("is_default", "=", 1).executeTakeFirstOrThrow();
  const office =
    (await ctx.db.selectFrom("sla_calendars").select("id").where("name", "=", "Berlin office").executeTakeFirst()) ??
    (await createCalendar(ctx, {
      name: "Berlin office",
      time_zone: "Europe/Berlin",
      hours: WEEKDAYS.map((day) => ({ day, start: "08:00", end: "18:00", overnight: false })),
      holidays: [
        { name: "New Year's Day", date: "2026-01-01", yearly: true },
        { name: "Labour Day", date: "2026-05-01", yearly: true },
        { name: "German Unity Day", date: "2026-10-03", yearly: true },
        { name: "Christmas", date: "2026-12-24", end_date: "2026-12-26", yearly: true },
      ],
    }));
  const policies: PolicyInput[] = [
    {
      name: "Major outages",
      description: "P1 incidents are worked around the clock.",
      conditions: { types: ["incident"], priorities: ["P1"], category_ids: [], organization_ids: [], channels: [] },
      calendar_id: always.id,
      targets: { P1: { first_response: 15, next_response: 30, resolution: 240 } },
      escalations: [
        { level: "warning", kinds: [], actions: [{ type: "notify_assignee" }, { type: "notify_supervisors" }] },
        { level: "breach", kinds: [], actions: [{ type: "notify_assignee" }, { type: "notify_supervisors" }] },
      ],
    },
    {
      name: "VIP customers",
      description: "Globex Finance's contract: faster answers, and a breach raises the priority.",
      conditions: { types: [], priorities: [], category_ids: [], organization_ids: [opts.vipOrganizationId], channels: [] },
      calendar_id: office.id,
      targets: {
        P2: { first_response: 30, next_response: 60, resolution: 480 },
        P3: { first_response: 60, next_response: 120, resolution: 960 },
        P4: { first_response: 120, next_response: 240, resolution: 1920 },
      },
      escalations: [
        { level: "warning", kinds: [], actions: [{ type: "notify_assignee" }] },
        { level: "breach", kinds: [], actions: [{ type: "notify_supervisors" }, { type: "raise_priority" }] },
      ],
    },
    {
      name: "Standard",
      description: "Everything else, in office hours.",
      calendar_id: office.id,
      targets: {
        P1: { first_response: 30, next_response: 60, resolution: 480 },
        P2: { first_response: 60, next_response: 240, resolution: 960 },
        P3: { first_response: 240, next_response: 480, resolution: 2400 },
        P4: { first_response: 480, next_response: 960, resolution: 4800 },
      },
    },
  ];
  for (const p of policies) await createPolicy(ctx, p);
}

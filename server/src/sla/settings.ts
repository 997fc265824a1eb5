/** SLA settings an admin changes at run time, kept in the settings table. */
import type { SlaSettings } from "@tessera/contracts";
import type { AppContext, Reader } from "../context.ts";
import { getSetting, putSetting } from "../settings/store.ts";

const AUTO_CLOSE_KEY = "sla_auto_close_days";
/** A resolved ticket closes after a week without an answer unless an admin says otherwise. */
export const DEFAULT_AUTO_CLOSE_DAYS = 7;

export function autoCloseDays(r: Reader): Promise<number> {
  return r.memo.get(AUTO_CLOSE_KEY, async () => (await getSetting<number>(r.db, AUTO_CLOSE_KEY)) ?? DEFAULT_AUTO_CLOSE_DAYS);
}

export async function readSlaSettings(r: Reader): Promise<SlaSettings> {
  return { auto_close_days: await autoCloseDays(r) };
}

export async function writeSlaSettings(ctx: AppContext, input: SlaSettings): Promise<SlaSettings> {
  await putSetting(ctx.db, AUTO_CLOSE_KEY, input.auto_close_days, ctx.clock.now().toISOString());
  ctx.memo.forget(AUTO_CLOSE_KEY);
  return readSlaSettings(ctx);
}

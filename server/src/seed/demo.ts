import type { AppContext } from "../context.ts";

export async function seedDemo(_ctx: AppContext, _opts: { tickets: number }): Promise<string> {
  throw new Error("not written yet");
}

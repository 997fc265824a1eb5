import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";

export function slaRoutes(_app: App, _ctx: AppContext) {}

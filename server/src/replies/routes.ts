/** Canned replies, macros and snooze: the routes of what agents use to answer faster. */
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { snoozeRoutes } from "../tickets/snooze-routes.ts";
import { cannedReplyRoutes } from "./canned.ts";
import { macroRoutes } from "./macro-routes.ts";

export function replyRoutes(app: App, ctx: AppContext) {
  cannedReplyRoutes(app, ctx);
  macroRoutes(app, ctx);
  snoozeRoutes(app, ctx);
}

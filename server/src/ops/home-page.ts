/**
 * The page at / when the web app has not been built: where to go next, for a person who opens
 * Tessera's address in a browser. Once web/dist exists the app is served there instead.
 */
import type { App } from "../http/types.ts";

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tessera</title><style>
body{font:15px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1a1d21;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border:1px solid #e3e6ea;border-radius:10px;padding:28px;width:min(420px,90vw)}
h1{font-size:20px;margin:0 0 8px}p{color:#5c6370}a{color:#3b5bdb}code{background:#f1f3f5;border-radius:4px;padding:1px 4px;font-size:13px}</style></head><body><main>
<h1>Tessera is running</h1>
<p>The service desk API is ready. Explore and try it in the <a href="/api/docs">API documentation</a>,
or fetch the <a href="/api/openapi.json">OpenAPI description</a>.</p>
<p>The web app is not built yet: run <code>npm run build -w web</code> in the Tessera folder (<code>npm start</code>
does this for you) and reload this page.</p>
<p>Health: <a href="/readyz">/readyz</a> · Metrics: <a href="/metrics">/metrics</a></p>
</main></body></html>`;

export function homePageRoutes(app: App) {
  app.get("/", { config: { access: "public" }, schema: { hide: true } }, async (_req, reply) => reply.type("text/html; charset=utf-8").send(PAGE));
}

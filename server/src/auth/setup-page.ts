/**
 * The one-time setup page for the first admin: plain HTML with no script, so it works under the
 * strict CSP and before the web app is built. It posts to itself; the token guards it.
 */
import { SetupInput } from "@tessera/contracts";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import type { App } from "../http/types.ts";
import { AppError } from "../errors.ts";
import { checkSetupLink, completeSetup, createSession, setupRefusalMessages, type SetupLinkState } from "./service.ts";
import { setSessionCookie } from "./session-cookie.ts";
import { FAVICON_LINK } from "../web/favicon.ts";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `<style>
body{font:15px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1a1d21;display:grid;place-items:center;min-height:100vh;margin:0}
form,main{background:#fff;border:1px solid #e3e6ea;border-radius:10px;padding:28px;width:min(360px,90vw)}
h1{font-size:20px;margin:0 0 4px}p{color:#5c6370;margin:0 0 18px}label{display:block;font-weight:500;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:9px 10px;border:1px solid #c9ced6;border-radius:6px;font:inherit}
button,.button{display:block;text-align:center;text-decoration:none;box-sizing:border-box;margin-top:18px;width:100%;padding:10px;border:0;border-radius:6px;background:#3b5bdb;color:#fff;font:inherit;font-weight:600;cursor:pointer}
code{font-size:13px;background:#f1f3f5;padding:1px 4px;border-radius:4px}
.error{color:#c92a2a;background:#fff5f5;border:1px solid #ffc9c9;padding:8px 10px;border-radius:6px}</style>`;

function document(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>${FAVICON_LINK}${STYLE}</head><body>
${body}</body></html>`;
}

function page(token: string, message = "", values: { email?: string; name?: string } = {}) {
  return document(
    "Set up Tessera",
    `<form method="post" action="/setup"><h1>Welcome to Tessera</h1><p>Create the first administrator account.</p>
${message ? `<p class="error" role="alert">${escape(message)}</p>` : ""}
<input type="hidden" name="token" value="${escape(token)}">
<label for="name">Your name</label><input id="name" name="name" required maxlength="200" value="${escape(values.name ?? "")}" autocomplete="name">
<label for="email">Email</label><input id="email" name="email" type="email" required value="${escape(values.email ?? "")}" autocomplete="email">
<label for="password">Password (at least 8 characters)</label><input id="password" name="password" type="password" required minlength="8" maxlength="128" autocomplete="new-password">
<button type="submit">Create admin account</button></form>`,
  );
}

/** A link that cannot be used: say why at once, with no form to fill in for nothing. */
function refusedPage(state: Exclude<SetupLinkState, "usable">) {
  const message = escape(setupRefusalMessages[state]).replace(/`([^`]+)`/g, "<code>$1</code>");
  const next = state === "admin_exists" ? `<a class="button" href="/sign-in">Go to the sign-in page</a>` : "";
  return document(
    "Setup link not valid · Tessera",
    `<main><h1>${state === "admin_exists" ? "Tessera is already set up" : "This setup link cannot be used"}</h1>
<p role="alert">${message}</p>${next}</main>`,
  );
}

export function setupPageRoutes(app: App, ctx: AppContext) {
  app.get("/setup", {
    config: { access: "public" },
    schema: { hide: true, querystring: z.object({ token: z.string().max(200).default("") }) },
    handler: async (req, reply) => {
      const state = await checkSetupLink(ctx, req.query.token);
      if (state !== "usable") return reply.status(403).type("text/html; charset=utf-8").send(refusedPage(state));
      return reply.type("text/html; charset=utf-8").send(page(req.query.token));
    },
  });

  app.post("/setup", {
    config: { access: "public" },
    schema: { hide: true },
    handler: async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const parsed = SetupInput.safeParse(body);
      if (!parsed.success) {
        const state = await checkSetupLink(ctx, String(body.token ?? ""));
        if (state !== "usable") return reply.status(403).type("text/html; charset=utf-8").send(refusedPage(state));
        const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        return reply
          .status(400)
          .type("text/html; charset=utf-8")
          .send(page(String(body.token ?? ""), msg, body));
      }
      try {
        const user = await completeSetup(ctx, parsed.data, { ip: req.ip, userAgent: req.headers["user-agent"] });
        setSessionCookie(ctx, reply, await createSession(ctx, user.id, { ip: req.ip, userAgent: req.headers["user-agent"] }));
        // The first admin has desk work to set up, not requests to file: the agent workspace,
        // which lists the first steps for them.
        return reply.redirect("/agent?welcome", 303);
      } catch (err) {
        // The link was spent or is wrong: the same page as on opening it, not the form again.
        if (err instanceof AppError && err.status === 403) {
          const state = await checkSetupLink(ctx, parsed.data.token);
          if (state !== "usable") return reply.status(403).type("text/html; charset=utf-8").send(refusedPage(state));
        }
        if (err instanceof AppError && err.status < 500) {
          return reply
            .status(err.status)
            .type("text/html; charset=utf-8")
            .send(page(parsed.data.token, err.message, body));
        }
        throw err;
      }
    },
  });
}

/**
 * How much JavaScript each face of the web app makes a browser download before it can show its
 * first screen, gzipped as the bytes go over the wire (gzip -9, which is close to what a proxy
 * sends). Reads the built app (web/dist, from `npm run build -w web`): the entry script of
 * index.html and everything it imports, plus the face's own chunk (the router loads it with a
 * dynamic import) and everything that chunk imports. Chunks loaded later (a dialog, the ticket
 * view when the first screen is a list) are listed apart.
 *
 *   node --import tsx web-bundle.ts            prints the figures
 *   node --import tsx web-bundle.ts --check    also exits 1 when the agent workspace is over budget
 *
 * Budget: the agent workspace's initial JavaScript at most 300 KB gzipped, whether it opens on a
 * list or straight on a ticket.
 */
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const DIST = fileURLToPath(new URL("../web/dist/", import.meta.url));
const ASSETS = path.join(DIST, "assets");
const BUDGET_KB = 300;

if (!existsSync(path.join(DIST, "index.html"))) {
  console.error("web/dist is missing: run `npm run build -w web` first.");
  process.exit(2);
}

const gz = (file: string) => gzipSync(readFileSync(path.join(ASSETS, file)), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** Static imports of a chunk (`import … from "./x.js"` and bare `import "./x.js"`). */
function staticImports(file: string): string[] {
  const code = readFileSync(path.join(ASSETS, file), "utf8");
  const out = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*${}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) out.add(m[1]);
  return [...out];
}

/** Chunks a chunk loads with import() (Vite lists them for preloading too). */
function dynamicImports(file: string): string[] {
  const code = readFileSync(path.join(ASSETS, file), "utf8");
  return [...new Set([...code.matchAll(/import\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)].map((m) => m[1]))];
}

function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const dep of staticImports(f)) visit(dep);
  };
  roots.forEach(visit);
  return seen;
}

const html = readFileSync(path.join(DIST, "index.html"), "utf8");
const found = /<script[^>]+type="module"[^>]+src="\/?assets\/([^"]+\.js)"/.exec(html)?.[1];
if (!found) throw new Error("no entry script in web/dist/index.html");
const entry: string = found;
const shell = closure([entry]);
const allDynamic = [...shell].flatMap(dynamicImports);

function face(prefix: string) {
  const chunk = allDynamic.find((f) => f.startsWith(`${prefix}-`));
  if (!chunk) throw new Error(`no ${prefix} chunk is loaded by the router`);
  const initial = closure([entry, chunk]);
  const later = new Set<string>();
  // What this face loads on demand (the other faces, imported by the router, are not its own).
  for (const f of initial) if (!shell.has(f)) for (const d of dynamicImports(f)) for (const c of closure([d])) if (!initial.has(c)) later.add(c);
  const total = [...initial].reduce((sum, f) => sum + gz(f), 0);
  return { chunk, initial: [...initial], later: [...later], total, laterTotal: [...later].reduce((s, f) => s + gz(f), 0) };
}

let failed = false;
for (const [name, prefix] of [["Agent workspace", "agent"], ["Requester portal", "portal"], ["Admin", "admin"]] as const) {
  const f = face(prefix);
  const over = prefix === "agent" && f.total > BUDGET_KB * 1024;
  if (over) failed = true;
  console.log(`${over ? "!! " : ""}${name}: ${kb(f.total)} of JavaScript before the first screen${prefix === "agent" ? ` (budget ${BUDGET_KB} KB)` : ""}`);
  for (const file of f.initial.sort((a, b) => gz(b) - gz(a))) console.log(`     ${kb(gz(file)).padStart(9)}  ${file}`);
  if (prefix === "agent") {
    // A ticket opened from a link or a notification needs the ticket view straight away.
    const pane = f.later.find((x) => x.startsWith("ticket-pane-"));
    if (pane) {
      const withTicket = [...closure([entry, f.chunk, pane])].reduce((sum, x) => sum + gz(x), 0);
      const over2 = withTicket > BUDGET_KB * 1024;
      if (over2) failed = true;
      console.log(`   ${over2 ? "!! " : ""}with a ticket open from a link: ${kb(withTicket)}`);
    }
  }
  if (f.later.length) {
    console.log(`   later, when needed: ${kb(f.laterTotal)}`);
    for (const file of f.later.sort((a, b) => gz(b) - gz(a))) console.log(`     ${kb(gz(file)).padStart(9)}  ${file}`);
  }
}

if (failed && process.argv.includes("--check")) process.exit(1);

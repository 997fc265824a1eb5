/**
 * How much JavaScript each face of the web app makes a browser download before it can show its
 * first screen, gzipped as the bytes go over the wire (gzip -9, which is close to what a proxy
 * sends). Reads the built app (web/dist, from `npm run build -w web`; `--dist <dir>` reads
 * another build):
 *
 * - the entry script of index.html, the chunks index.html preloads, and everything they import
 *   statically, transitively;
 * - the face's own chunk (the router loads it with a dynamic import; it is the chunk that holds
 *   the face's component: AgentApp, PortalLayout, AdminApp), everything it imports statically and
 *   the dependency list Vite preloads beside that dynamic import (`__vite__mapDeps`);
 * - for the agent workspace opened on a ticket from a link, also the ticket view
 *   (agent/ticket-pane.tsx) and everything the page starts loading at once for a ticket address
 *   (app/early-start.ts: the imports of the same `Promise.all` as the ticket view), each with its
 *   static imports and preload list.
 *
 * Chunks loaded later (a dialog, the ticket view when the first screen is a list, what is
 * prefetched once the page is idle) are listed apart.
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

const distArg = process.argv.indexOf("--dist");
const DIST = distArg > 0 ? path.resolve(process.argv[distArg + 1] ?? ".") : fileURLToPath(new URL("../web/dist/", import.meta.url));
const ASSETS = path.join(DIST, "assets");
const BUDGET_KB = 300;

if (!existsSync(path.join(DIST, "index.html"))) {
  console.error(`${DIST} has no index.html: run \`npm run build -w web\` first.`);
  process.exit(2);
}

const sources = new Map<string, string>();
function source(file: string): string {
  let code = sources.get(file);
  if (code === undefined) {
    code = readFileSync(path.join(ASSETS, file), "utf8");
    sources.set(file, code);
  }
  return code;
}
const sizes = new Map<string, number>();
function gz(file: string): number {
  let n = sizes.get(file);
  if (n === undefined) {
    n = gzipSync(readFileSync(path.join(ASSETS, file)), { level: 9 }).length;
    sizes.set(file, n);
  }
  return n;
}
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const sum = (files: Iterable<string>) => [...files].reduce((s, f) => s + gz(f), 0);
const isJs = (f: string) => f.endsWith(".js");

/**
 * Static imports and re-exports of a chunk: `import{a as b}from"./x.js"`, `import*as x from"./x.js"`,
 * `import"./x.js"`, `export{a}from"./x.js"`, `export*from"./x.js"` (quotes or backticks, minified
 * or not). Never `import("./x.js")`, which is dynamic.
 */
function staticImports(file: string): string[] {
  const out = new Set<string>();
  const re = /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g;
  for (const m of source(file).matchAll(re)) out.add(m[1]);
  return [...out];
}

/** The asset list of a chunk's `__vite__mapDeps` (paths relative to dist, e.g. "assets/x.js"). */
function preloadTable(file: string): string[] {
  const m = /__vite__mapDeps\s*=[\s\S]*?m\.f\s*=\s*(\[[^\]]*\])/.exec(source(file));
  if (!m) return [];
  return (JSON.parse(m[1].replace(/'/g, '"')) as string[]).map((p) => p.replace(/^\/?assets\//, ""));
}

interface DynamicImport {
  target: string;
  /** What Vite preloads beside the import (JavaScript only). */
  preload: string[];
  /** Where the import() is in the chunk's code. */
  at: number;
}

/** Chunks a chunk loads with import(), each with the dependency list Vite preloads beside it. */
function dynamicImports(file: string): DynamicImport[] {
  const code = source(file);
  const table = preloadTable(file);
  const out: DynamicImport[] = [];
  for (const m of code.matchAll(/\bimport\(\s*["'`]\.\/([^"'`]+\.js)["'`]\s*\)/g)) {
    // Vite's preload helper: __vitePreload(() => import("./x.js")[.then(…)], __vite__mapDeps([i, …]))
    const after = code.slice(m.index + m[0].length, m.index + m[0].length + 300);
    const stop = after.search(/\bimport\(/);
    const deps = /__vite__mapDeps\(\s*\[([\d,\s]*)\]/.exec(stop >= 0 ? after.slice(0, stop) : after);
    const preload = deps
      ? deps[1]
          .split(",")
          .filter((s) => s.trim() !== "")
          .map((i) => table[Number(i)])
          .filter((f): f is string => f !== undefined && isJs(f))
      : [];
    out.push({ target: m[1], preload, at: m.index });
  }
  return out;
}

/** The chunks a browser fetches for these roots: their static imports, transitively. */
function closure(roots: Iterable<string>, into = new Set<string>()): Set<string> {
  const visit = (f: string) => {
    if (into.has(f)) return;
    into.add(f);
    for (const dep of staticImports(f)) visit(dep);
  };
  for (const r of roots) visit(r);
  return into;
}

/** A chunk loaded with import(): itself, what it imports, and what Vite preloads beside it. */
function loadDynamic(imports: DynamicImport[], into: Set<string>) {
  for (const d of imports) closure([d.target, ...d.preload], into);
  return into;
}

const html = readFileSync(path.join(DIST, "index.html"), "utf8");
const entry = /<script[^>]+type="module"[^>]*\ssrc="\/?assets\/([^"]+\.js)"/.exec(html)?.[1];
if (!entry) throw new Error("no entry script in index.html");
const htmlPreloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*\shref="\/?assets\/([^"]+\.js)"/g)].map((m) => m[1]);
const shell = closure([entry, ...htmlPreloads]);

/** Every import() in the shell, by target (one target can be imported from several places). */
const shellDynamic = [...shell].flatMap(dynamicImports);

/**
 * The chunk that holds a face's component, which the router reads by name: exported under it
 * (`export{x as AgentApp}`), or a key of the module namespace the chunk builds for it
 * (`{AgentApp:()=>x}`) when that module shares its chunk with others.
 */
function chunkExporting(name: string): string {
  const targets = [...new Set(shellDynamic.map((d) => d.target))];
  const exported = new RegExp(`export\\s*\\{[^}]*(?:\\bas\\s+|[{,]\\s*)${name}\\s*[,}]`);
  const namespaced = new RegExp(`[{,]\\s*${name}\\s*:\\s*\\(\\)\\s*=>`);
  let found = targets.filter((f) => exported.test(source(f)));
  if (found.length === 0) found = targets.filter((f) => namespaced.test(source(f)));
  if (found.length !== 1) throw new Error(`expected one chunk holding ${name}, found ${found.length ? found.join(", ") : "none"}`);
  return found[0];
}

function importsOf(target: string): DynamicImport[] {
  return shellDynamic.filter((d) => d.target === target);
}

/** Everything the given initial set loads on demand later (not already in it). */
function laterOf(initial: Set<string>, own: Set<string>): Set<string> {
  const later = new Set<string>();
  for (const f of own) for (const d of dynamicImports(f)) loadDynamic([d], later);
  for (const f of initial) later.delete(f);
  return later;
}

function print(title: string, files: Set<string>, over: boolean, note = "") {
  console.log(`${over ? "!! " : ""}${title}: ${kb(sum(files))} of JavaScript before the first screen${note}`);
  for (const file of [...files].sort((a, b) => gz(b) - gz(a))) console.log(`     ${kb(gz(file)).padStart(9)}  ${file}`);
}

function printLater(files: Set<string>) {
  if (!files.size) return;
  console.log(`   later, when needed: ${kb(sum(files))}`);
  for (const file of [...files].sort((a, b) => gz(b) - gz(a))) console.log(`     ${kb(gz(file)).padStart(9)}  ${file}`);
}

let failed = false;
const results: string[] = [];

for (const [name, component] of [
  ["Agent workspace", "AgentApp"],
  ["Requester portal", "PortalLayout"],
  ["Admin", "AdminApp"],
] as const) {
  const chunk = chunkExporting(component);
  const initial = loadDynamic(importsOf(chunk), new Set(shell));
  const own = new Set([...initial].filter((f) => !shell.has(f)));
  const isAgent = component === "AgentApp";
  const over = isAgent && sum(initial) > BUDGET_KB * 1024;
  if (over) failed = true;
  print(name, initial, over, isAgent ? ` (budget ${BUDGET_KB} KB)` : "");
  results.push(`${name}: ${kb(sum(initial))}`);

  if (isAgent) {
    // A ticket opened from a link or a notification: the page starts loading the ticket view
    // and its data beside the workspace (app/early-start.ts), in one Promise.all.
    const targets = [...new Set(shellDynamic.map((d) => d.target))];
    const pane = targets.find((f) => /^ticket-pane-[\w-]+\.js$/.test(f)) ?? targets.find((f) => /[{,]\s*TicketPane\s*:\s*\(\)\s*=>|as\s+TicketPane\b/.test(source(f)));
    if (!pane) throw new Error("no ticket-pane chunk is loaded by the page");
    const early: DynamicImport[] = [];
    for (const file of shell) {
      const imports = dynamicImports(file);
      for (const d of imports.filter((x) => x.target === pane)) {
        // The other imports of the same Promise.all([...]) as the ticket view.
        const code = source(file);
        const start = code.lastIndexOf("Promise.all(", d.at);
        const end = code.indexOf("]).then(", d.at);
        const inGroup = start >= 0 && end >= 0 && end - start < 20_000;
        early.push(...(inGroup ? imports.filter((x) => x.at > start && x.at < end) : [d]));
      }
    }
    if (!early.length) early.push(...importsOf(pane));
    const withTicket = loadDynamic(early, new Set(initial));
    const over2 = sum(withTicket) > BUDGET_KB * 1024;
    if (over2) failed = true;
    const extra = new Set([...withTicket].filter((f) => !initial.has(f)));
    console.log(`   ${over2 ? "!! " : ""}with a ticket open from a link: ${kb(sum(withTicket))} (the above and:)`);
    for (const file of [...extra].sort((a, b) => gz(b) - gz(a))) console.log(`     ${kb(gz(file)).padStart(9)}  ${file}`);
    results.push(`Agent workspace, a ticket from a link: ${kb(sum(withTicket))}`);
    printLater(laterOf(withTicket, new Set([...own, ...extra])));
  } else {
    printLater(laterOf(initial, own));
  }
}

console.log("");
for (const line of results) console.log(line);
if (failed) console.log(`!! over the ${BUDGET_KB} KB budget`);
if (failed && process.argv.includes("--check")) process.exit(1);

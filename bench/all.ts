/**
 * Every benchmark, one after another, then one summary of their figures:
 * bench/results/summary.md (the Markdown tables, in this order) and summary.json.
 *
 *   cd bench && npm run all        # or, from the repository root: npm run bench:all
 *
 * Each benchmark keeps its own settings (see bench/README.md); BENCH_ONLY picks some of them
 * (e.g. BENCH_ONLY=create-tickets,ticket-open). A desk of a million tickets takes minutes to
 * seed: set BENCH_SCALE_DATA_DIR and BENCH_SCALE_PG_DB to keep it between runs, and point the
 * ticket-open benchmark at the same desk with BENCH_OPEN_DATA_DIR and BENCH_OPEN_PG_DB.
 * The exit code is 1 when any benchmark was broken.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const BENCHES = ["create-tickets", "mail-ingest", "ticket-open", "scale-reads"];
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const results = path.join(import.meta.dirname, "results");
const started = Date.now();
const ran: Array<{ name: string; exit: number | null; seconds: number }> = [];

for (const name of BENCHES.filter((b) => !only || only.includes(b))) {
  console.log(`\n======== ${name}`);
  const t = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", `${name}.ts`], { cwd: import.meta.dirname, stdio: "inherit", env: process.env });
  ran.push({ name, exit: r.status, seconds: Math.round((Date.now() - t) / 1000) });
}

// A benchmark's tables count only when this run wrote them.
const fresh = (file: string) => existsSync(file) && statSync(file).mtimeMs >= started;
const sections = ran.map((b) => {
  const md = path.join(results, `${b.name}.md`);
  return fresh(md) ? readFileSync(md, "utf8") : `### ${b.name}\n\nNo figures written (exit ${b.exit}).\n`;
});
const status = ran.map((b) => `- ${b.name}: ${b.exit === 0 ? "ran" : `broken (exit ${b.exit})`} in ${b.seconds} s`);
writeFileSync(path.join(results, "summary.md"), ["## Latest figures", "", ...status, "", ...sections].join("\n"));
writeFileSync(
  path.join(results, "summary.json"),
  JSON.stringify(
    ran.map((b) => {
      const json = path.join(results, `${b.name}.json`);
      return { ...b, results: fresh(json) ? JSON.parse(readFileSync(json, "utf8")) : null };
    }),
    null,
    2,
  ) + "\n",
);
console.log(`\n${status.join("\n")}\nWritten: bench/results/summary.md and summary.json`);
process.exit(ran.every((b) => b.exit === 0) ? 0 : 1);

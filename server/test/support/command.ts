/** Running the `tessera` command as a separate process against a test desk's own database. */
import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import type { Dialect, TestDesk } from "../harness.ts";

/** The command's entry file, and an environment that points it at `desk`'s data directory and database. */
export async function commandFor(desk: TestDesk, dialect: Dialect): Promise<{ main: string; env: Record<string, string> }> {
  const main = path.join(import.meta.dirname, "../../src/main.ts");
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", TESSERA_DATA_DIR: desk.dataDir, LOG_LEVEL: "silent" };
  if (dialect === "postgres") {
    // The command opens its own connection: point it at this suite's schema through the URL.
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(desk.ctx.db);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.searchParams.set("options", `-c search_path=${rows[0].schema}`);
    env.DATABASE_URL = url.toString();
  }
  return { main, env };
}

/** Runs the `tessera` command (`main`, from commandFor) with `env`; resolves with its exit code and what it printed. */
export function runTessera(main: string, env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", main, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

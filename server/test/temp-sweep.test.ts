import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { openInstance } from "../src/boot.ts";

// File-system behaviour of the serving process's start-up; the database it opens plays no part.
describe("temp files a crash left behind", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-sweep-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("are removed when the server starts, while a file still being written is kept", async () => {
    const tmp = path.join(dataDir, "attachments", "tmp");
    mkdirSync(tmp, { recursive: true });
    const stale = ["spool-1.part", "mail-2.part", "3.part"].map((n) => path.join(tmp, n));
    for (const f of stale) {
      writeFileSync(f, "half a message");
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(f, twoHoursAgo, twoHoursAgo);
    }
    const fresh = path.join(tmp, "upload-in-progress.part");
    writeFileSync(fresh, "still arriving");

    const config = loadConfig({}, { TESSERA_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    const instance = await openInstance(config, { server: true, log: pino({ level: "silent" }) });
    await instance.close();

    expect(stale.filter((f) => existsSync(f))).toEqual([]);
    expect(existsSync(fresh)).toBe(true);
  });
});

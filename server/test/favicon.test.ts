import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type TestDesk } from "./harness.ts";
import { prepareFirstAdmin } from "../src/auth/service.ts";

describe.each(dialects)("Tessera's icon on %s", (dialect) => {
  let desk: TestDesk;

  beforeAll(async () => {
    desk = await createDesk(dialect);
  });
  afterAll(() => desk.close());

  it("is served as SVG without signing in, and the content policy lets pages load it", async () => {
    const res = await desk.anonymous().get("/favicon.svg");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(res.text).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // Same origin: img-src 'self' covers it.
    expect(String(res.headers["content-security-policy"])).toMatch(/img-src 'self'/);
  });

  it("is the same drawing the web app bundles", async () => {
    const app = await readFile(new URL("../../web/src/favicon.svg", import.meta.url), "utf8");
    expect((await desk.anonymous().get("/favicon.svg")).text).toBe(app.trim());
  });

  it("is shown by the setup page, whether the link works or not", async () => {
    const token = new URL((await prepareFirstAdmin(desk.ctx))!.setupUrl!).searchParams.get("token")!;
    for (const link of [`/setup?token=${token}`, "/setup?token=wrong"]) {
      const page = await desk.anonymous().get(link);
      expect(page.text).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
    }
  });
});

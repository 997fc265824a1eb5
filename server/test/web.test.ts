import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { openInstance, type Instance } from "../src/boot.ts";
import { buildApp } from "../src/app.ts";
import type { App } from "../src/http/types.ts";

// Serving files does not touch the database, so SQLite alone is enough here.
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`;

async function openApp(webDist: string): Promise<{ app: App; instance: Instance; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-web-"));
  const config = loadConfig({}, { TESSERA_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  const instance = await openInstance(config, { log: pino({ level: "silent" }) });
  const app = await buildApp(instance.ctx, { webDist });
  await app.ready();
  return { app, instance, dataDir };
}

describe("the web app served by the server", () => {
  let dist: string;
  let opened: Awaited<ReturnType<typeof openApp>>;
  const get = (url: string) => opened.app.inject({ method: "GET", url });

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), "tessera-dist-"));
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "index.html"), INDEX);
    writeFileSync(path.join(dist, "assets", "index-abc123.js"), "console.log('app')");
    // What the build's precompress step writes beside each asset.
    const big = "console.log('a larger chunk');\n".repeat(200);
    writeFileSync(path.join(dist, "assets", "chunk-def456.js"), big);
    writeFileSync(path.join(dist, "assets", "chunk-def456.js.gz"), gzipSync(big));
    writeFileSync(path.join(dist, "assets", "chunk-def456.js.br"), brotliCompressSync(big));
    opened = await openApp(dist);
  });
  afterAll(async () => {
    await opened.app.close();
    await opened.instance.close();
    rmSync(opened.dataDir, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  });

  it("answers / and the app's deep links with index.html, revalidated on every visit", async () => {
    for (const url of ["/", "/sign-in?next=%2Frequests", "/requests", "/requests/INC-1042", "/agent", "/admin/users"]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.body).toBe(INDEX);
    }
  });

  it("keeps the CSP that forbids inline scripts on the app page", async () => {
    const res = await get("/requests/INC-1");
    expect(String(res.headers["content-security-policy"])).toMatch(/script-src 'self'(;|$)/);
  });

  it("answers an address the app does not know with the app and a 404 status", async () => {
    const res = await get("/no/such/page");
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe(INDEX);
  });

  it("serves hashed assets with long-lived caching", async () => {
    const res = await get("/assets/index-abc123.js");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers["cache-control"]).toMatch(/immutable/);
  });

  it("sends an asset compressed the way the browser accepts, from the copies made at build time", async () => {
    const original = "console.log('a larger chunk');\n".repeat(200);
    const ask = (encoding: string) => opened.app.inject({ method: "GET", url: "/assets/chunk-def456.js", headers: { "accept-encoding": encoding } });
    const br = await ask("gzip, deflate, br, zstd");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(original);
    const gz = await ask("gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toBe(original);
    const plain = await ask("identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(original);
  });

  it("answers a missing asset with a JSON 404, not with the app", async () => {
    const res = await get("/assets/gone-123.js");
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });

  it("never answers an API address with the app", async () => {
    const anonymous = await get("/api/no-such-thing");
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe("unauthenticated");
    const docs = await get("/api/openapi.json");
    expect(docs.statusCode).toBe(200);
    expect(docs.json().openapi).toMatch(/^3\./);
  });

  it("leaves the setup page and the health checks to the server", async () => {
    expect((await get("/setup?token=x")).body).not.toBe(INDEX);
    expect((await get("/setup/x")).statusCode).toBe(404);
    expect((await get("/healthz")).json()).toEqual({ status: "ok" });
  });

  it("does not serve the app for other methods", async () => {
    const res = await opened.app.inject({ method: "POST", url: "/requests", payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("not_found");
  });
});

describe("before the web app is built", () => {
  it("shows the home page with how to build the app", async () => {
    const missing = path.join(tmpdir(), "tessera-no-dist-here");
    const opened = await openApp(missing);
    try {
      const res = await opened.app.inject({ method: "GET", url: "/" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("Tessera is running");
      expect(res.body).toContain("npm run build -w web");
      expect((await opened.app.inject({ method: "GET", url: "/requests" })).statusCode).toBe(404);
    } finally {
      await opened.app.close();
      await opened.instance.close();
      rmSync(opened.dataDir, { recursive: true, force: true });
    }
  });
});

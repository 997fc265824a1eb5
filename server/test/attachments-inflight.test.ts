import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { request, type ClientRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";

const KiB = 1024;
const BOUNDARY = "----tesserainflight";

/** The multipart framing around one file part named `file`. */
function framing(filename: string) {
  return {
    head: Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  };
}

/**
 * Starts an upload over a real socket that announces `length` bytes; the caller writes the body
 * (all of it, or part of it and the rest later). Resolves the response once it comes.
 */
function startUpload(base: string, token: string, length: number) {
  let req!: ClientRequest;
  const response = new Promise<{ status: number; headers: IncomingMessage["headers"]; body: any }>((resolve, reject) => {
    req = request(`${base}/api/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(length) },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") }));
    });
    // The server may answer and close before the body is complete: that is the point.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
  });
  return { req, response, write: (b: Buffer) => new Promise<void>((resolve) => req.write(b, () => resolve())) };
}

/** One whole upload over a real socket. */
async function uploadWhole(base: string, token: string, filename: string, file: Buffer) {
  const { head, tail } = framing(filename);
  const u = startUpload(base, token, head.length + file.length + tail.length);
  u.req.end(Buffer.concat([head, file, tail]));
  return u.response;
}

/** Uploads over HTTP: bounded in size before they are read, and in bytes arriving at once. */
describe.each(dialects)("attachment uploads in flight on %s", (dialect) => {
  let desk: TestDesk;
  let alice: Client, bob: Client;
  let base: string;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_ATTACHMENT_MAX_BYTES: String(256 * KiB), TESSERA_UPLOAD_INFLIGHT_BYTES: String(400 * KiB) });
    alice = await desk.user("requester");
    bob = await desk.user("requester");
    await desk.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(desk.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await desk.close();
  });

  const storedFiles = () => {
    const dir = path.join(desk.dataDir, "attachments");
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => !f.startsWith("tmp"))
      : [];
  };

  it("refuses an upload that announces more than the limit with 413 before reading it, and stores nothing", async () => {
    const before = await desk.ctx.db
      .selectFrom("attachments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const filesBefore = storedFiles();
    const { head } = framing("huge.iso");
    // 10 MiB announced; only the first bytes are ever sent, so only an answer from the headers can come.
    const u = startUpload(base, alice.auth.token!, 10 * 1024 * KiB);
    await u.write(head);
    const res = await u.response;
    u.req.destroy();
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(res.body.error.message).toMatch(/at most 262144 bytes/);
    const after = await desk.ctx.db
      .selectFrom("attachments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(storedFiles()).toEqual(filesBefore);
  });

  it("answers 503 with Retry-After to an upload that does not fit beside the ones arriving, and takes it once they are done", async () => {
    const first = randomBytes(250 * KiB);
    const second = randomBytes(200 * KiB);
    const { head, tail } = framing("first.bin");
    const slow = startUpload(base, alice.auth.token!, head.length + first.length + tail.length);
    await slow.write(Buffer.concat([head, first.subarray(0, 100 * KiB)]));
    // The first upload is being written to disk: its temp file is there.
    await vi.waitFor(() => expect(readdirSync(path.join(desk.dataDir, "attachments", "tmp")).length).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });

    const refused = await uploadWhole(base, bob.auth.token!, "second.bin", second);
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("5");
    expect(refused.body.error.code).toBe("service_unavailable");

    slow.req.end(Buffer.concat([first.subarray(100 * KiB), tail]));
    const done = await slow.response;
    expect(done.status).toBe(201);
    expect(done.body.size).toBe(first.length);
    // Bob tries again, as told: now it fits.
    const again = await uploadWhole(base, bob.auth.token!, "second.bin", second);
    expect(again.status).toBe(201);
    expect(again.body.size).toBe(second.length);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

/** A multipart/form-data body with one file part, as a browser sends it. */
function multipart(filename: string, content: Buffer | string, type = "application/octet-stream", field = "file") {
  const boundary = "----tessera" + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, filename: string, content: Buffer | string, type?: string) {
  const m = multipart(filename, content, type);
  return c.request("POST", "/api/attachments", m.body, m.headers);
}

describe.each(dialects)("attachments on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client, alice: Client, bob: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect, { TESSERA_ATTACHMENT_MAX_BYTES: "4096" });
    const admin = await desk.user("admin");
    const team = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [team] });
    alice = await desk.user("requester");
    bob = await desk.user("requester");
  });
  afterAll(() => desk.close());

  it("stores an upload, attaches it to a request and serves the same bytes back as an image", async () => {
    const up = await upload(alice, "screenshot.png", PNG, "text/html");
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: "screenshot.png", content_type: "image/png", size: PNG.length });
    const t = await alice.post("/api/tickets", { subject: "Error on screen", attachment_ids: [up.body.id] });
    expect(t.status).toBe(201);
    expect(t.body.attachments.map((a: any) => a.id)).toEqual([up.body.id]);

    const dl = await agent.get(up.body.url);
    expect(dl.status).toBe(200);
    expect(Buffer.from(dl.text, "latin1").length).toBe(PNG.length);
    expect(dl.headers["content-type"]).toBe("image/png");
    expect(dl.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(dl.headers["content-security-policy"])).toMatch(/^sandbox/);
  });

  it("serves an HTML file as a sandboxed download, never as a page", async () => {
    const up = await upload(alice, "invoice.html", "<script>alert(document.cookie)</script>", "image/png");
    expect(up.status).toBe(201);
    expect(up.body.content_type).toBe("text/html");
    const dl = await alice.get(up.body.url);
    expect(dl.status).toBe(200);
    expect(String(dl.headers["content-disposition"])).toMatch(/^attachment;/);
    expect(String(dl.headers["content-security-policy"])).toMatch(/^sandbox/);
  });

  it("never takes the stored path from the uploaded name", async () => {
    const up = await upload(alice, "../../../etc/passwd", "root:x:0:0");
    expect(up.status).toBe(201);
    expect(up.body.filename).toBe("passwd");
    const stored = readdirSync(path.join(desk.dataDir, "attachments"), { recursive: true }).map(String);
    expect(stored.some((p) => p.includes("passwd") || p.includes(".."))).toBe(false);
  });

  it("refuses a file over the size cap with 413 and keeps nothing", async () => {
    const dir = path.join(desk.dataDir, "attachments");
    const files = () => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);
    const rows = async () =>
      Number(
        (
          await desk.ctx.db
            .selectFrom("attachments")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const [filesBefore, rowsBefore] = [files(), await rows()];
    const up = await upload(alice, "big.bin", Buffer.alloc(5000, 1));
    expect(up.status).toBe(413);
    expect(up.body.error.code).toBe("payload_too_large");
    expect(files()).toBe(filesBefore);
    expect(await rows()).toBe(rowsBefore);
  });

  it("refuses an upload that is not multipart, or has no file part", async () => {
    expect((await alice.post("/api/attachments", { file: "x" })).status).toBe(415);
    const m = multipart("a.txt", "hello", "text/plain", "document");
    const wrong = await alice.request("POST", "/api/attachments", m.body, m.headers);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/file/);
  });

  it("hides another requester's attachment and uploads others try to claim", async () => {
    const up = await upload(alice, "private.txt", "salary details");
    expect((await bob.get(`/api/attachments/${up.body.id}`)).status).toBe(404);
    expect((await bob.get(up.body.url)).status).toBe(404);
    const steal = await bob.post("/api/tickets", { subject: "Mine now", attachment_ids: [up.body.id] });
    expect(steal.status).toBe(400);
    expect(steal.body.error.message).toMatch(/attachment_ids/);
  });

  it("keeps files on internal notes from the requester", async () => {
    const t = (await alice.post("/api/tickets", { subject: "Laptop" })).body;
    const up = await upload(agent, "diagnosis.txt", "disk failing");
    const note = await agent.post(`/api/tickets/${t.id}/comments`, { body: "See log", internal: true, attachment_ids: [up.body.id] });
    expect(note.status).toBe(201);
    expect((await agent.get(up.body.url)).status).toBe(200);
    expect((await alice.get(up.body.url)).status).toBe(404);
    expect((await alice.get(`/api/tickets/${t.id}`)).body.attachments).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, Client, type TestDesk } from "./harness.ts";
import { prepareFirstAdmin } from "../src/auth/service.ts";

/** Byte sequences that are not UTF-8: a stray 0xff, a cut-off sequence, overlong forms, an encoded surrogate, past U+10FFFF. */
const BAD_BYTES: Array<[string, number[]]> = [
  ["0xff", [0xff]],
  ["0xc3 0x28 (a lead byte without its continuation)", [0xc3, 0x28]],
  ["0xc0 0xaf (overlong '/')", [0xc0, 0xaf]],
  ["0xe0 0x80 0xaf (overlong '/', three bytes)", [0xe0, 0x80, 0xaf]],
  ["0xed 0xa0 0x80 (a surrogate, encoded)", [0xed, 0xa0, 0x80]],
  ["0xf4 0x90 0x80 0x80 (past U+10FFFF)", [0xf4, 0x90, 0x80, 0x80]],
];

/** JSON text with raw bytes spliced in: what a broken client really sends (JSON.stringify could not). */
const json = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
const JSON_HEADERS = { "content-type": "application/json" };

async function count(desk: TestDesk, table: "tickets" | "users" | "attachments" | "idempotency_keys") {
  const row = await desk.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function expectRefused(res: { status: number; body: any }, field: string) {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("validation_failed");
  expect(res.body.error.message).toContain(field);
  expect(res.body.error.message).toMatch(/UTF-8/);
}

describe.each(dialects)("text that is not valid UTF-8 on %s", (dialect) => {
  let desk: TestDesk;
  let agent: Client;
  let admin: Client;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    const teamId = await makeTeam(admin, "Desk");
    agent = await desk.user("agent", { teams: [teamId] });
  });
  afterAll(() => desk.close());

  it.each(BAD_BYTES)("refuses a JSON body whose subject holds %s, naming the field, and creates nothing", async (_name, bytes) => {
    const before = await count(desk, "tickets");
    const res = await agent.post("/api/tickets", json('{"subject":"Printer ', bytes, ' broken","description":"x"}'), JSON_HEADERS);
    expectRefused(res, "body.subject");
    expect(await count(desk, "tickets")).toBe(before);
  });

  it("names the field at any depth, for bad bytes and for \\ud800 escapes alike", async () => {
    const before = await count(desk, "tickets");
    const nested = await agent.post("/api/tickets", json('{"subject":"Fine","requester":{"email":"x@example.test","name":"Ann ', [0xff], '"}}'), JSON_HEADERS);
    expectRefused(nested, "body.requester.name");
    // The six characters \ud800 inside a JSON string: an escape that decodes to an unpaired surrogate.
    const escaped = await agent.post("/api/tickets", json('{"subject":"Fine","requester":{"email":"x@example.test","name":"Ann \\ud800"}}'), JSON_HEADERS);
    expectRefused(escaped, "body.requester.name");
    const low = await agent.post("/api/tickets", json('{"subject":"Fine","tags":["ok","bad\\udc00"]}'), JSON_HEADERS);
    expectRefused(low, "body.tags.1");
    const reversed = await agent.post("/api/tickets", json('{"subject":"\\ude00\\ud83d"}'), JSON_HEADERS);
    expectRefused(reversed, "body.subject");
    expect(await count(desk, "tickets")).toBe(before);
  });

  it("accepts real UTF-8: accents, a surrogate pair written as escapes, and a U+FFFD the client meant", async () => {
    const res = await agent.post("/api/tickets", json('{"subject":"Café ☕ \\ud83d\\ude00 ', [0xef, 0xbf, 0xbd], '"}'), JSON_HEADERS);
    expect(res.status).toBe(201);
    expect(res.body.subject).toBe("Café ☕ 😀 \ufffd");
  });

  it("still refuses NUL, naming the field", async () => {
    const res = await agent.post("/api/tickets", json('{"subject":"a\\u0000b"}'), JSON_HEADERS);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body\.subject: must not contain the NUL character/);
  });

  it("refuses percent-encoded bytes that are not UTF-8 in the query string, naming the parameter", async () => {
    for (const q of ["%FF", "%C3%28", "%C0%AF", "%ED%A0%80"]) {
      expectRefused(await agent.get(`/api/tickets?q=printer${q}`), "querystring.q");
    }
    // Valid text, a literal % and a + for a space still read as before.
    const fine = await agent.get(`/api/tickets?q=caf%C3%A9+50%`);
    expect(fine.status).toBe(200);
  });

  it("refuses bytes that are not UTF-8 in a URL parameter, in Tessera's error format", async () => {
    for (const segment of ["%C3%28", "%FF", "%ED%A0%80"]) {
      const res = await agent.get(`/api/tickets/${segment}`);
      expectRefused(res, `path: `);
      expect(res.body.error.message).toContain(segment);
    }
    const before = await count(desk, "tickets");
    expectRefused(await agent.post("/api/tickets/%C0%AF/comments", { body: "hello" }), "path: ");
    expect(await count(desk, "tickets")).toBe(before);
  });

  it("refuses an Idempotency-Key or If-Match header that is not UTF-8, and changes nothing", async () => {
    const before = await count(desk, "tickets");
    const keys = await count(desk, "idempotency_keys");
    // Node reads header bytes one character each: "\xff" is the byte 0xff on the wire.
    const res = await agent.post("/api/tickets", { subject: "Keyed" }, { "idempotency-key": "key-\xc3\x28" });
    expectRefused(res, "headers.idempotency-key");
    expect(await count(desk, "tickets")).toBe(before);
    expect(await count(desk, "idempotency_keys")).toBe(keys);

    const t = (await agent.post("/api/tickets", { subject: "Versioned" })).body;
    const patched = await agent.patch(`/api/tickets/${t.id}`, { subject: "Changed" }, { "if-match": `"${t.version}\xff"` });
    expectRefused(patched, "headers.if-match");
    expect((await agent.get(`/api/tickets/${t.id}`)).body.subject).toBe("Versioned");
  });

  it("refuses an upload whose file name is not UTF-8, and stores nothing", async () => {
    const before = await count(desk, "attachments");
    for (const disposition of [Buffer.from([...Buffer.from('filename="report'), 0xff, ...Buffer.from('.txt"')]), Buffer.from("filename*=UTF-8''report%C3%28.txt")]) {
      const boundary = "----tessera-utf8";
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; `),
        disposition,
        Buffer.from(`\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`),
      ]);
      const res = await agent.request("POST", "/api/attachments", body, { "content-type": `multipart/form-data; boundary=${boundary}` });
      expectRefused(res, "file.filename");
    }
    expect(await count(desk, "attachments")).toBe(before);
    const ok = await agent.request(
      "POST",
      "/api/attachments",
      Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"; filename="café.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n`),
      { "content-type": "multipart/form-data; boundary=b" },
    );
    expect(ok.status).toBe(201);
    expect(ok.body.filename).toBe("café.txt");
  });
});

describe.each(dialects)("the setup form with text that is not UTF-8 on %s", (dialect) => {
  it("is refused, naming the field, and no admin is created", async () => {
    const desk = await createDesk(dialect);
    try {
      const token = new URL((await prepareFirstAdmin(desk.ctx))!.setupUrl!).searchParams.get("token")!;
      const before = await count(desk, "users");
      const form = `token=${token}&email=form%40example.test&password=a+fine+passphrase&name=`;
      const headers = { "content-type": "application/x-www-form-urlencoded" };
      for (const name of ["Ann%FF", "Ann%C3%28"]) {
        expectRefused(await new Client(desk.app).post("/setup", form + name, headers), "body.name");
      }
      // Raw bytes a browser would have percent-encoded.
      expectRefused(await new Client(desk.app).post("/setup", Buffer.concat([Buffer.from(form + "Ann"), Buffer.from([0xff])]), headers), "body.name");
      expect(await count(desk, "users")).toBe(before);
      const ok = await new Client(desk.app).post("/setup", form + "Ren%C3%A9e", headers);
      expect(ok.status).toBe(303);
      const user = await desk.ctx.db.selectFrom("users").select("name").where("email", "=", "form@example.test").executeTakeFirstOrThrow();
      expect(user.name).toBe("Renée");
    } finally {
      await desk.close();
    }
  });
});

/** The bell: repeats collapsed into one line, lines marked read one at a time, tickets muted for a while. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, makeTeam, type Client, type TestDesk } from "./harness.ts";

const HOUR = 3_600_000;

describe.each(dialects)("the notification bell on %s", (dialect) => {
  let desk: TestDesk;
  let admin: Client, sam: Client, ana: Client, outsider: Client, requester: Client;
  let teamId: number;

  beforeAll(async () => {
    desk = await createDesk(dialect);
    admin = await desk.user("admin");
    teamId = await makeTeam(admin, "Network");
    const otherTeam = await makeTeam(admin, "Facilities");
    sam = await desk.user("agent", { teams: [teamId], name: "Sam Rivera" });
    ana = await desk.user("agent", { teams: [teamId], name: "Ana Costa" });
    outsider = await desk.user("agent", { teams: [otherTeam] });
    requester = await desk.user("requester", { name: "Ann Lee" });
  });
  afterAll(() => desk.close());

  /** A ticket of the requester's, assigned to Ana by Sam. */
  async function ticketForAna(subject: string) {
    const t = (await requester.post("/api/tickets", { subject })).body;
    const res = await sam.patch(`/api/tickets/${t.id}`, { version: t.version, team_id: teamId, assignee_id: ana.user!.id });
    expect(res.status, res.text).toBe(200);
    return t as { id: number; reference: string };
  }
  const reply = (t: { id: number }, text: string) => requester.post(`/api/tickets/${t.id}/comments`, { body: text, format: "text" });
  const bell = async (c: Client = ana) => (await c.get("/api/notifications")).body;
  const linesOf = async (t: { id: number }, kind: string) => (await bell()).items.filter((n: any) => n.ticket_id === t.id && n.kind === kind);
  const readAll = () => ana.post("/api/notifications/read-all");

  it("shows repeated replies on one ticket as one line with their count and the newest time, and counts it once", async () => {
    await readAll();
    const t = await ticketForAna("Printer jams");
    const other = await ticketForAna("Monitor flickers");
    for (const text of ["First", "Second", "Third"]) {
      desk.clock.advance(60_000);
      await reply(t, text);
    }
    await reply(other, "Only one");

    const list = await bell();
    const replies = list.items.filter((n: any) => n.kind === "requester_reply" && n.ticket_id === t.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ count: 3, ticket_reference: t.reference, actor: { name: "Ann Lee" }, actor_count: 1, read_at: null });
    expect(replies[0].summary).toContain(t.reference);
    expect(replies[0].created_at).toBe(desk.clock.now().toISOString());
    // Lines: replies on t (×3), reply on other, assigned on t, assigned on other.
    expect(list.unread_count).toBe(4);
    expect(list.unread_items).toBe(6);
    expect(list.items.filter((n: any) => !n.read_at)).toHaveLength(4);
  });

  it("marks one line read on its own, with every repeat it stands for, and leaves the others unread", async () => {
    await readAll();
    const t = await ticketForAna("VPN drops");
    await reply(t, "Again");
    await reply(t, "And again");
    const [line] = await linesOf(t, "requester_reply");
    expect(line.count).toBe(2);
    const before = await bell();

    expect((await ana.post(`/api/notifications/${line.id}/read`)).status).toBe(204);
    const after = await bell();
    expect(after.unread_count).toBe(before.unread_count - 1);
    expect(after.unread_items).toBe(before.unread_items - 2);
    const [read] = (await linesOf(t, "requester_reply")).filter((n: any) => n.read_at);
    expect(read.count).toBe(2);
    expect((await linesOf(t, "assigned"))[0].read_at).toBeNull();

    // A reply after the agent read the line starts a new unread line.
    await reply(t, "Anyone there?");
    const lines = await linesOf(t, "requester_reply");
    expect(lines.map((n: any) => [n.count, n.read_at === null])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("refuses to mark someone else's line read, and leaves it unread", async () => {
    const t = await ticketForAna("Badge broken");
    await reply(t, "Door still shut");
    await reply(t, "Both doors now");
    const [line] = await linesOf(t, "requester_reply");
    expect((await sam.post(`/api/notifications/${line.id}/read`)).status).toBe(404);
    expect((await linesOf(t, "requester_reply"))[0]).toMatchObject({ count: 2, read_at: null });
    expect((await ana.post("/api/notifications/99999999/read")).status).toBe(404);
  });

  it("pages by line: the next page starts after the whole collapsed line", async () => {
    await readAll();
    const t = await ticketForAna("Scanner sends blank pages");
    for (const text of ["Blank", "Blank again", "Still blank"]) await reply(t, text);
    const first = await ana.get("/api/notifications?unread=true&limit=1");
    expect(first.body.items).toEqual([expect.objectContaining({ kind: "requester_reply", count: 3 })]);
    const next = await ana.get(`/api/notifications?unread=true&limit=1&before=${first.body.items[0].id}`);
    expect(next.body.items).toEqual([expect.objectContaining({ kind: "assigned", ticket_id: t.id, count: 1 })]);
  });

  it("writes nothing about a muted ticket, but still delivers a mention, and shows the mute", async () => {
    const t = await ticketForAna("Wi-Fi slow");
    const until = new Date(desk.clock.now().getTime() + HOUR).toISOString();
    const res = await ana.put(`/api/tickets/${t.id}/notification-mute`, { until });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ticket_id: t.id, ticket_reference: t.reference, until });

    await reply(t, "Still slow");
    expect(await linesOf(t, "requester_reply")).toEqual([]);
    await sam.post(`/api/tickets/${t.id}/comments`, { body: `<p>Look, <span data-mention-id="${ana.user!.id}">@Ana</span></p>`, internal: true });
    const [mention] = await linesOf(t, "mention");
    expect(mention).toMatchObject({ actor: { name: "Sam Rivera" }, muted: { until } });
    expect((await bell()).mutes).toEqual([expect.objectContaining({ ticket_id: t.id, until })]);
    // Only Ana muted it.
    expect((await bell(sam)).mutes).toEqual([]);
  });

  it("lets a mute run out at its time", async () => {
    const t = await ticketForAna("Laptop fan loud");
    await ana.put(`/api/tickets/${t.id}/notification-mute`, { until: new Date(desk.clock.now().getTime() + HOUR).toISOString() });
    await reply(t, "During the mute");
    expect(await linesOf(t, "requester_reply")).toEqual([]);

    desk.clock.advance(HOUR + 1000);
    expect((await bell()).mutes.map((m: any) => m.ticket_id)).not.toContain(t.id);
    await reply(t, "After the mute");
    const lines = await linesOf(t, "requester_reply");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ count: 1, muted: null });
  });

  it("mutes until the agent unmutes", async () => {
    const t = await ticketForAna("Desk phone silent");
    expect((await ana.put(`/api/tickets/${t.reference}/notification-mute`, { until: null })).body.until).toBeNull();
    desk.clock.advance(30 * 24 * HOUR);
    await reply(t, "A month later");
    expect(await linesOf(t, "requester_reply")).toEqual([]);

    expect((await ana.delete(`/api/tickets/${t.id}/notification-mute`)).status).toBe(204);
    expect((await bell()).mutes.map((m: any) => m.ticket_id)).not.toContain(t.id);
    await reply(t, "Unmuted now");
    expect(await linesOf(t, "requester_reply")).toHaveLength(1);
  });

  it("refuses a mute of an unknown or hidden ticket, or one ending in the past, and changes nothing", async () => {
    const t = await ticketForAna("Hidden from outsiders");
    const soon = new Date(desk.clock.now().getTime() + HOUR).toISOString();
    expect((await ana.put("/api/tickets/99999999/notification-mute", { until: soon })).status).toBe(404);
    expect((await ana.put("/api/tickets/REQ-99999999/notification-mute", { until: soon })).status).toBe(404);
    expect((await outsider.put(`/api/tickets/${t.id}/notification-mute`, { until: soon })).status).toBe(404);
    expect((await outsider.delete(`/api/tickets/${t.id}/notification-mute`)).status).toBe(404);

    const past = await ana.put(`/api/tickets/${t.id}/notification-mute`, { until: new Date(desk.clock.now().getTime() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toMatch(/until.*future/);
    const tooFar = await ana.put(`/api/tickets/${t.id}/notification-mute`, { until: new Date(desk.clock.now().getTime() + 400 * 24 * HOUR).toISOString() });
    expect(tooFar.status).toBe(400);
    expect((await ana.put(`/api/tickets/${t.id}/notification-mute`, { until: "tomorrow" })).status).toBe(400);
    expect((await ana.put(`/api/tickets/${t.id}/notification-mute`, {})).status).toBe(400);
    expect((await ana.put(`/api/tickets/${t.id}/notification-mute`, { until: soon, everyone: true })).status).toBe(400);

    expect((await bell()).mutes.map((m: any) => m.ticket_id)).not.toContain(t.id);
    await reply(t, "Still heard");
    expect(await linesOf(t, "requester_reply")).toHaveLength(1);
  });
});

/** A desk that takes mail at help@desk.test for its Service Desk team, for the inbound-mail suites. */
import { expect } from "vitest";
import { createDesk, makeTeam, type Client, type Dialect, type TestDesk } from "../harness.ts";
import { closeParser, ingestMessage, type IngestResult } from "../../src/mail/in/ingest.ts";

export interface HelpDesk {
  desk: TestDesk;
  admin: Client;
  /** An agent of the Service Desk team, which the mailbox's tickets go to. */
  agent: Client;
  teamId: number;
  /** Takes one raw message in as the MTA pipe does. */
  ingest(raw: Buffer): Promise<IngestResult>;
  close(): Promise<void>;
}

export async function openHelpDesk(dialect: Dialect): Promise<HelpDesk> {
  const desk = await createDesk(dialect);
  const admin = await desk.user("admin");
  const teamId = await makeTeam(admin, "Service Desk");
  const agent = await desk.user("agent", { teams: [teamId] });
  expect((await admin.post("/api/mailboxes", { address: "help@desk.test", name: "Help desk", team_id: teamId })).status).toBe(201);
  return {
    desk,
    admin,
    agent,
    teamId,
    ingest: (raw) => ingestMessage(desk.ctx, raw, { kind: "pipe" }),
    async close() {
      await closeParser(desk.ctx);
      await desk.close();
    },
  };
}

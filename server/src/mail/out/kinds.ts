import type { MailKind } from "./tables.ts";

/** Kinds of mail that go to agents only; every other kind goes to requesters and their CCs. */
export const AGENT_KINDS: MailKind[] = ["mention", "assigned"];

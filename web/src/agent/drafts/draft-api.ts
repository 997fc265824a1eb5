/** The signed-in agent's draft on a ticket, kept on the server (GET/PUT /api/tickets/:id/draft). */
import { ReplyDraft, type ReplyDraftInput } from "@tessera/contracts";
import { api } from "../../api/client.ts";

export const fetchDraft = (ticketId: number) => api(`/api/tickets/${ticketId}/draft`, ReplyDraft.nullable());

/** Saves the draft; a blank body deletes it (answers null). */
export const saveDraft = (ticketId: number, input: ReplyDraftInput) => api(`/api/tickets/${ticketId}/draft`, ReplyDraft.nullable(), { method: "PUT", json: input });

/** Answering a resolution from its mail, without signing in (see server/src/tickets/answers.ts). */
import { z } from "zod";

export const AnswerQuery = z.object({ token: z.string().min(1).max(200) }).strict();

export const AnswerInput = z
  .object({
    token: z.string().min(1).max(200),
    action: z.enum(["confirm", "reopen"]),
    comment: z.string().max(20_000).optional(),
  })
  .strict()
  .refine((a) => a.action !== "reopen" || !!a.comment?.trim(), { path: ["comment"], message: "say what is still wrong" });

/** What the page behind the link shows: only what the mail itself already told its reader. */
export const AnswerView = z.object({
  reference: z.string(),
  subject: z.string(),
  /** The status as the requester sees it ("Resolved", "Closed", "In progress"). */
  status_label: z.string(),
  resolution_note: z.string().nullable(),
  /** Whether the resolution still waits for an answer; false once closed or reopened. */
  can_answer: z.boolean(),
  /** What happened: after an answer, or when the link is opened again. */
  outcome: z.enum(["waiting", "closed", "reopened"]),
});
export type AnswerView = z.infer<typeof AnswerView>;

/** Answers shared by many routes. */
import type { FastifyReply } from "fastify";

/** Waits for a change that answers nothing, then answers 204 No Content. */
export async function noContent(reply: FastifyReply, change: Promise<unknown>): Promise<FastifyReply> {
  await change;
  return reply.status(204).send(null);
}

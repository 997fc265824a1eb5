/**
 * The ceiling: a bare Fastify 5 server that answers every request with a fixed JSON. It runs in
 * its own process, like Tessera, and receives the same requests (same body, same headers), so
 * the gap between it and Tessera is what Tessera's own work costs, not HTTP or the machine.
 */
import Fastify from "fastify";

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? "127.0.0.1";

const app = Fastify({ logger: false });
// GET and POST on any path: the load generator only changes the URL between targets. A POST's
// JSON body is still parsed by Fastify, as Tessera's would be.
app.route({ method: ["GET", "POST"], url: "/*", handler: async () => ({ ok: true }) });

await app.listen({ port, host });
// Graceful exit on SIGTERM so the parent never leaves a listener behind.
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));

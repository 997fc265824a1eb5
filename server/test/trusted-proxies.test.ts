import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDesk, dialects, type Client, type TestDesk } from "./harness.ts";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("which client address Tessera believes behind a reverse proxy", () => {
  it("refuses a bad proxy list, and the old hop count, at start-up with the variable named", () => {
    expect(() => loadConfig({ TESSERA_TRUSTED_PROXIES: "10.0.0.0/8, banana" }, {})).toThrow(/TESSERA_TRUSTED_PROXIES.*"banana" is not an IP address/s);
    expect(() => loadConfig({ TESSERA_TRUSTED_PROXIES: "10.0.0.0/33" }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ TESSERA_TRUST_PROXY_HOPS: "1" }, {})).toThrow(/TESSERA_TRUST_PROXY_HOPS.*TESSERA_TRUSTED_PROXIES/s);
    expect(loadConfig({ TESSERA_TRUSTED_PROXIES: "10.0.0.0/8 loopback,::1" }, {}).trustedProxies).toEqual(["10.0.0.0/8", "loopback", "::1"]);
  });

  for (const dialect of dialects) {
    describe(dialect, () => {
      let desk: TestDesk;
      let admin: Client;
      beforeAll(async () => {
        desk = await createDesk(dialect, { TESSERA_TRUSTED_PROXIES: "10.0.0.0/24" });
        admin = await desk.user("admin");
      });
      afterAll(() => desk?.close());

      /** A failed sign-in sent from `peer` with the given X-Forwarded-For; returns the address the audit trail recorded. */
      async function recordedAddress(peer: string, forwardedFor: string, email: string): Promise<string> {
        const res = await desk.app.inject({
          method: "POST",
          url: "/api/auth/login",
          remoteAddress: peer,
          headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
          payload: JSON.stringify({ email, password: "not the password" }),
        });
        expect(res.statusCode).toBe(401);
        const trail = await admin.get(`/api/audit?action=auth.sign_in_failed&actor=${encodeURIComponent(email)}`);
        expect(trail.status).toBe(200);
        return trail.body.items[0].ip;
      }

      it("takes the client's address from a listed proxy's X-Forwarded-For", async () => {
        expect(await recordedAddress("10.0.0.5", "203.0.113.7", "via-proxy@example.test")).toBe("203.0.113.7");
      });

      it("stops at the first address that is not a listed proxy, so a client cannot prepend its own", async () => {
        expect(await recordedAddress("10.0.0.5", "192.0.2.1, 198.51.100.20", "chain@example.test")).toBe("198.51.100.20");
      });

      it("ignores X-Forwarded-For from a peer that is not a listed proxy", async () => {
        expect(await recordedAddress("198.51.100.9", "203.0.113.7", "direct@example.test")).toBe("198.51.100.9");
      });
    });
  }
});

/** Settings for outgoing mail: each bad value names its variable; the password never shows. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { smtpServerOf } from "../src/mail/out/transport.ts";

const load = (env: Record<string, string>) => loadConfig({}, { TESSERA_DATA_DIR: "/tmp/tessera-config-test", ...env });

describe("outgoing mail settings", () => {
  it("refuses bad values, naming the variable", () => {
    expect(() => load({ TESSERA_SMTP_URL: "http://mail.example.com" })).toThrow(/TESSERA_SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => load({ TESSERA_SMTP_URL: "smtp://a", TESSERA_SMTP_HOST: "b" })).toThrow(/TESSERA_SMTP_URL and TESSERA_SMTP_HOST/);
    expect(() => load({ TESSERA_SMTP_HOST: "mail", TESSERA_SMTP_USER: "desk" })).toThrow(/TESSERA_SMTP_USER and TESSERA_SMTP_PASSWORD/);
    expect(() => load({ TESSERA_SMTP_PORT: "25" })).toThrow(/need TESSERA_SMTP_HOST/);
    expect(() => load({ TESSERA_SMTP_HOST: "mail", TESSERA_SMTP_PORT: "99999" })).toThrow(/TESSERA_SMTP_PORT/);
    expect(() => load({ TESSERA_MAIL_FROM: "support desk" })).toThrow(/TESSERA_MAIL_FROM: must be an address/);
    expect(() => load({ TESSERA_MAIL_MESSAGE_ID_DOMAIN: "bad domain" })).toThrow(/TESSERA_MAIL_MESSAGE_ID_DOMAIN/);
  });

  it("fills in ports, names and the Message-ID domain, and shows the server without its password", () => {
    const c = load({
      TESSERA_SMTP_HOST: "mail.example.com",
      TESSERA_SMTP_SECURE: "true",
      TESSERA_SMTP_USER: "desk",
      TESSERA_SMTP_PASSWORD: "s3cret",
      TESSERA_MAIL_FROM: '"IT Service Desk" <Support@Example.com>',
    });
    expect(c.mailOut.smtp).toMatchObject({ host: "mail.example.com", port: 465, secure: true });
    expect(c.mailOut.from).toEqual({ name: "IT Service Desk", address: "support@example.com" });
    expect(c.mailOut.messageIdDomain).toBe("example.com");
    const u = load({ TESSERA_SMTP_URL: "smtp://desk:s3cret@relay.example.com" });
    expect(smtpServerOf(u.mailOut)).toBe("relay.example.com:587");
    const none = load({ TESSERA_PUBLIC_URL: "https://help.example.org" });
    expect(none.mailOut.smtp).toBeUndefined();
    expect(none.mailOut.from).toEqual({ name: "Tessera", address: "tessera@help.example.org" });
  });
});

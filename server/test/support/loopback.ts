/**
 * The outbound guard refuses loopback addresses unless they are allow-listed. Tests that point
 * Tessera at a local Dovecot or SMTP catcher on 127.0.0.1 allow exactly that, in the config, as an
 * admin would for a mail server on the same machine.
 */
export const ALLOW_LOOPBACK = { TESSERA_OUTBOUND_ALLOW: "127.0.0.1" } as const;

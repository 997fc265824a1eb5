/**
 * TESSERA_TRUSTED_PROXIES: which peers' X-Forwarded-For Tessera believes. Fastify (proxy-addr)
 * takes the list as it is; it is checked here so a typo stops start-up instead of silently
 * trusting nobody, or everybody.
 */
import ipaddr from "ipaddr.js";

/** proxy-addr's named ranges. */
const NAMED = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Parses "10.0.0.0/8, loopback 192.168.1.5" into its entries; throws naming a bad one. */
export function parseTrustedProxies(value: string): string[] {
  const entries = value.split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    if (NAMED.has(entry)) continue;
    const ok = entry.includes("/") ? isCidr(entry) : ipaddr.isValid(entry);
    if (!ok) throw new Error(`"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`);
  }
  return entries;
}

function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

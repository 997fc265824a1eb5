/**
 * The one gate for connections Tessera opens to other machines (IMAP mailboxes, the SMTP relay,
 * and any future webhook). An admin names these hosts, so without a gate an admin account could
 * make Tessera probe the machines around it: its own loopback, the private network, the cloud
 * metadata service at 169.254.169.254. The gate:
 * - resolves the name once, checks every address it resolves to, and hands back the checked
 *   address to connect to (with the name kept for TLS SNI and certificate checks), so a DNS
 *   answer that changes between check and connect (DNS rebinding) cannot slip past;
 * - lets public unicast addresses through, and refuses every special range (loopback, private
 *   and unique-local, link-local, carrier-grade NAT, unspecified, multicast, broadcast,
 *   reserved, NAT64 and other translation prefixes, IPv4 in IPv6) unless TESSERA_OUTBOUND_ALLOW
 *   lists the host name, the address or a range holding it.
 *
 * Address classification is ipaddr.js (the library Express and Fastify use for trust-proxy
 * ranges), not hand-written CIDR arithmetic.
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** TESSERA_OUTBOUND_ALLOW, parsed: host names (lower case) and address ranges. */
export interface OutboundAllowList {
  names: readonly string[];
  ranges: ReadonlyArray<[Address, number]>;
  /** As configured, for messages. */
  text: string;
}

export const EMPTY_ALLOW_LIST: OutboundAllowList = Object.freeze({ names: [], ranges: [], text: "" });

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/** IPv4-compatible IPv6 (::a.b.c.d, deprecated): ipaddr.js calls it unicast, so it is listed here. */
const ALSO_BLOCKED: Array<[Address, number]> = [ipaddr.parseCIDR("::/96")];

/**
 * Parses a comma- or space-separated list of host names, IP addresses and CIDR ranges, e.g.
 * "127.0.0.1, 10.0.0.0/8, imap.internal". Throws an Error naming the first entry that is none of these.
 */
export function parseAllowList(text: string): OutboundAllowList {
  const names: string[] = [];
  const ranges: Array<[Address, number]> = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const bare = entry.replace(/^\[(.*)\]$/, "$1");
    if (bare.includes("/")) {
      try {
        ranges.push(ipaddr.parseCIDR(bare));
      } catch {
        throw new Error(`"${entry}" is not a valid address range (use e.g. 10.0.0.0/8 or fd00::/8)`);
      }
    } else if (ipaddr.isValid(bare)) {
      const addr = ipaddr.parse(bare);
      ranges.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
    } else if (HOST_NAME.test(bare)) {
      names.push(bare.toLowerCase().replace(/\.$/, ""));
    } else {
      throw new Error(`"${entry}" is not a host name, an IP address or an address range`);
    }
  }
  return Object.freeze({ names: Object.freeze(names), ranges: Object.freeze(ranges), text: text.trim() });
}

/** Why an address is refused ("a loopback address"), or undefined when it may be contacted. */
export function blockedKind(address: string, allow: OutboundAllowList): string | undefined {
  let addr: Address = ipaddr.parse(address);
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address inside.
  if (addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (allow.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return undefined;
  const range = addr.range();
  if (range === "unicast" && !ALSO_BLOCKED.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return undefined;
  return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
}

const RANGE_NAMES: Record<string, string> = {
  unicast: "an IPv4-compatible IPv6 address",
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address (where cloud metadata services answer)",
  loopback: "a loopback address (this machine)",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private network address",
  uniqueLocal: "a private network address (fc00::/7)",
  reserved: "a reserved address",
  rfc6052: "a NAT64 address (64:ff9b::/96)",
  rfc6145: "an IPv4-translated address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
};

/** The gate said no; the message says which host, why, and how an admin allows it. */
export class OutboundRefused extends Error {
  readonly code = "EOUTBOUND";
  constructor(
    readonly host: string,
    readonly address: string,
    kind: string,
    literal: boolean,
  ) {
    const resolved = literal ? `it is ${kind}` : `it resolves to ${address}, ${kind}`;
    super(`${host} is not allowed: ${resolved}. To let Tessera connect to it, add it to TESSERA_OUTBOUND_ALLOW (e.g. TESSERA_OUTBOUND_ALLOW=${host}) and restart.`);
  }
}

/** The name did not resolve. */
export class OutboundUnresolved extends Error {
  readonly code = "EDNS";
  constructor(readonly host: string) {
    super(`could not find the address of ${host}`);
  }
}

/** Where to connect: a checked address, and the name to present for TLS (undefined for an IP literal). */
export interface OutboundTarget {
  host: string;
  address: string;
  servername: string | undefined;
}

/** Resolves `host` once, checks every address, and returns the first for the caller to connect to. */
export async function resolveOutbound(allow: OutboundAllowList, host: string): Promise<OutboundTarget> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (ipaddr.isValid(bare)) {
    // Also the short forms inet_aton reads (127.1, 0x7f.1, 2130706433): normalised, so the
    // address connected to is the one checked.
    const address = ipaddr.parse(bare).toString();
    const kind = blockedKind(address, allow);
    if (kind) throw new OutboundRefused(host, address, kind, true);
    return { host, address, servername: undefined };
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(bare, { all: true, verbatim: true });
  } catch {
    throw new OutboundUnresolved(host);
  }
  if (!addresses.length) throw new OutboundUnresolved(host);
  // A name the admin listed is trusted wherever it points.
  if (!allow.names.includes(bare.toLowerCase().replace(/\.$/, ""))) {
    for (const { address } of addresses) {
      const kind = blockedKind(address, allow);
      if (kind) throw new OutboundRefused(host, address, kind, false);
    }
  }
  return { host, address: addresses[0].address, servername: bare };
}

/**
 * The check when an admin saves a host: the refusal message, or undefined when it may be
 * contacted. A name that does not resolve yet is accepted (DNS may come later); the check at
 * connect time still applies.
 */
export async function refusalOf(allow: OutboundAllowList, host: string): Promise<string | undefined> {
  try {
    await resolveOutbound(allow, host);
    return undefined;
  } catch (err) {
    return err instanceof OutboundRefused ? err.message : undefined;
  }
}

/**
 * What an admin is told when a connection fails before the other side answered: refused,
 * unreachable and timed out all read the same, so the message cannot map open and closed ports.
 */
export const couldNotConnect = (host: string, port: number) => `could not connect to ${host}:${port} (the server log has the reason)`;

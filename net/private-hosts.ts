import { parseIPv4, parseIPv6 } from "./ip-address";
import { specialIPv4, specialIPv6 } from "./special-addresses";

/**
 * Whether a URL's host is this machine or a private network, judged from the host as written: IP literals by their
 * range, names by the suffixes reserved for local use.
 *
 * The limit of a name-based check: Workers have no DNS resolution API, so a public-looking name that resolves to a
 * private address (`127.0.0.1.nip.io`, a DNS-rebinding domain, an internal zone of a split-horizon resolver) is not
 * caught here. On Cloudflare's network that matters little, since a Worker's fetch leaves from Cloudflare's edge and
 * not from a private network; where workerd runs on a host of your own (`npm start`), names resolve with that host's
 * resolver and can reach its neighbours, so list the allowed hosts (`requestHosts`) or filter egress there.
 */

/** Names reserved for local use (RFC 6761, RFC 6762, RFC 8375, ICANN's `.internal`). */
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "localdomain"] as const;

/** What makes `hostname` (as `new URL` normalised it) local or private, or null when it may be public. */
export function privateHostReason(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name.startsWith("[")) {
    const v6 = parseIPv6(name);
    return v6 === null ? "not an IPv6 address this check can read" : specialIPv6(v6);
  }
  const v4 = parseIPv4(name);
  if (v4 !== null) return specialIPv4(v4);
  const suffix = LOCAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix !== undefined) return `a local host name (.${suffix})`;
  // A name without a dot is completed by the resolver's search domains (`metadata`, a container's service name).
  if (!name.includes(".")) return "a single-label host name, which resolves on the local network";
  return null;
}

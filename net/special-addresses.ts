import { parseIPv4, parseIPv6 } from "./ip-address";

/**
 * The IP ranges an outbound request made on a user's behalf must not reach (SSRF protection): this machine, private
 * and link-local networks, cloud metadata services, and addresses that are not unicast. Each answer says what the
 * address is, for the refusal message; null means a public address.
 */

type Range4 = readonly [base: string, bits: number, what: string];
type Range6 = readonly [base: string, bits: number, what: string];

const IPV4_RANGES: readonly Range4[] = [
  ["0.0.0.0", 8, "an unspecified address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a carrier-grade NAT address (Alibaba Cloud's metadata service is 100.100.100.200)"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata services are at 169.254.169.254)"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address (Oracle Cloud's metadata service is 192.0.0.192)"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved or broadcast address"],
];

const IPV6_RANGES: readonly Range6[] = [
  ["::", 128, "an unspecified address"],
  ["::1", 128, "a loopback address"],
  ["::", 96, "an IPv4-compatible address (deprecated)"],
  ["64:ff9b:1::", 48, "a local-use NAT64 address"],
  ["100::", 64, "a discard-only address"],
  ["2001::", 32, "a Teredo tunnel address"],
  ["fc00::", 7, "a unique-local address (AWS's IPv6 metadata service is fd00:ec2::254)"],
  ["fe80::", 10, "a link-local address"],
  ["fec0::", 10, "a site-local address (deprecated)"],
  ["ff00::", 8, "a multicast address"],
];

/** IPv6 ranges that carry an IPv4 address, and where: what they reach is what that IPv4 address is. */
const EMBEDDING_RANGES: readonly (readonly [base: string, bits: number, shift: bigint, how: string])[] = [
  ["::ffff:0:0", 96, 0n, "IPv4-mapped"],
  ["64:ff9b::", 96, 0n, "NAT64"],
  ["2002::", 16, 80n, "6to4"],
];

const parsed4 = IPV4_RANGES.map(([base, bits, what]) => ({ base: parseIPv4(base)!, bits, what }));
const parsed6 = IPV6_RANGES.map(([base, bits, what]) => ({ base: parseIPv6(base)!, bits, what }));
const embedding = EMBEDDING_RANGES.map(([base, bits, shift, how]) => ({ base: parseIPv6(base)!, bits, shift, how }));

const inRange4 = (address: number, base: number, bits: number) => address >>> (32 - bits) === base >>> (32 - bits);
const inRange6 = (address: bigint, base: bigint, bits: number) => address >> BigInt(128 - bits) === base >> BigInt(128 - bits);

/** What a non-public IPv4 address is, or null. */
export function specialIPv4(address: number): string | null {
  return parsed4.find((range) => inRange4(address, range.base, range.bits))?.what ?? null;
}

/** What a non-public IPv6 address is (looking through the IPv4 address it embeds, if any), or null. */
export function specialIPv6(address: bigint): string | null {
  for (const range of embedding) {
    if (!inRange6(address, range.base, range.bits)) continue;
    const what = specialIPv4(Number((address >> range.shift) & 0xffffffffn));
    return what === null ? null : `${what}, ${range.how}`;
  }
  return parsed6.find((range) => inRange6(address, range.base, range.bits))?.what ?? null;
}

/**
 * Literal IP addresses as a URL's `hostname` holds them. `new URL` has already turned every IPv4 spelling
 * (decimal `2130706433`, octal `0177.0.0.1`, hex `0x7f.1`, short `127.1`) into a dotted quad and compressed IPv6
 * (`[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`); these parsers also accept the spellings it leaves behind.
 */

/** The 32-bit value of a dotted-quad IPv4 address, or null when `text` is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The 128-bit value of an IPv6 address (in brackets or not, with or without a trailing dotted quad), or null. */
export function parseIPv6(text: string): bigint | null {
  let bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const lastColon = bare.lastIndexOf(":");
  if (lastColon === -1) return null;
  const tail = bare.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIPv4(tail);
    if (v4 === null) return null;
    bare = `${bare.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = bare.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (half: string | undefined) => (half ? half.split(":") : []);
  const head = groupsOf(halves[0]);
  const rest = groupsOf(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = halves.length === 1 ? head : [...head, ...Array<string>(missing).fill("0"), ...rest];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

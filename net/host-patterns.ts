/**
 * The allow-list of outbound hosts: `api.example.com` allows that host, `*.example.com` its subdomains at any depth
 * (not `example.com` itself). `:port` narrows a pattern to that port; without one any port is allowed (as Deno's
 * `--allow-net`), the protocol being limited to http(s) anyway.
 */

function defaultPort(url: URL): string {
  return url.protocol === "https:" ? "443" : "80";
}

/** Whether `url`'s host (and port, when the pattern names one) matches `pattern`. Case-insensitive. */
export function hostMatches(url: URL, pattern: string): boolean {
  const [namePattern = "", portPattern] = pattern.toLowerCase().split(":");
  if (portPattern !== undefined && portPattern !== (url.port || defaultPort(url))) return false;
  const host = url.hostname.replace(/\.$/, "");
  if (namePattern.startsWith("*.")) return host.endsWith(namePattern.slice(1));
  return host === namePattern;
}

import { hostMatches } from "./host-patterns";
import { OutboundError } from "./outbound";
import { privateHostReason } from "./private-hosts";

/** The rules an outbound request on a user's behalf follows, and the settings that set them (named in refusals). */
export interface OutboundPolicy {
  /** Host patterns (`api.example.com`, `*.example.com`, optional `:port`); absent = any public host. */
  readonly allowedHosts?: readonly string[];
  /** Lets requests reach loopback, private and link-local addresses and local names (off: SSRF protection). */
  readonly allowPrivateNetwork?: boolean;
  /** The settings behind the two rules, e.g. `workflows.requestHosts` and `workflows.allowPrivateNetwork`. */
  readonly settingNames: { readonly allowedHosts: string; readonly allowPrivateNetwork: string };
}

/**
 * The URL of one hop of an outbound request (the first, or a redirect's `Location` against the URL it came from),
 * checked against the policy: http(s) only, a host of the allow-list if there is one, and no private host unless
 * allowed. Throws OutboundError; a URL that is not http(s) is "Invalid URL", as NocoBase's request node words it.
 */
export function checkedUrl(target: string | URL, policy: OutboundPolicy, base?: string | URL): URL {
  let url: URL;
  try {
    url = new URL(target, base);
  } catch {
    throw new OutboundError("ERR_INVALID_URL", "Invalid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundError("ERR_INVALID_URL", "Invalid URL");
  const { allowedHosts, allowPrivateNetwork, settingNames } = policy;
  if (allowedHosts !== undefined && !allowedHosts.some((pattern) => hostMatches(url, pattern))) {
    throw new OutboundError("EHOSTBLOCKED", `Outbound request to ${url.host} is blocked: the host is not in ${settingNames.allowedHosts}`);
  }
  const reason = allowPrivateNetwork === true ? null : privateHostReason(url.hostname);
  if (reason !== null) {
    throw new OutboundError("EHOSTBLOCKED", `Outbound request to ${url.host} is blocked: ${reason}; set ${settingNames.allowPrivateNetwork} to reach private networks`);
  }
  return url;
}

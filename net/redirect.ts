/** One hop of an outbound exchange: what is sent where. */
export interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const CREDENTIALS = /^(?:(?:proxy-)?authorization|cookie)$/i;

/**
 * The hop after a redirect to `url`, as follow-redirects (NocoBase's axios) makes it: 301/302 after a POST and 303
 * after anything but GET/HEAD become a GET without body or Content-* headers; credentials go on only to the same
 * host or a subdomain of it, and never from https down to http.
 */
export function redirectedHop(hop: Hop, status: number, url: URL): Hop {
  const toGet = ((status === 301 || status === 302) && hop.method === "POST") || (status === 303 && hop.method !== "GET" && hop.method !== "HEAD");
  const sameSite = url.host === hop.url.host || url.hostname.endsWith(`.${hop.url.hostname}`);
  const downgraded = hop.url.protocol === "https:" && url.protocol !== "https:";
  const dropped = (name: string) => /^host$/i.test(name) || (toGet && /^content-/i.test(name)) || ((!sameSite || downgraded) && CREDENTIALS.test(name));
  const headers = Object.fromEntries(Object.entries(hop.headers).filter(([name]) => !dropped(name)));
  if (toGet) return { url, method: "GET", headers };
  return { url, method: hop.method, headers, ...(hop.body === undefined ? {} : { body: hop.body }) };
}

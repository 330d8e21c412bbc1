import type { OutboundRequest } from "../../net/outbound";

/**
 * The HTTP message of a `request` node (nocobase-workflow.md §3.6), built from its template-resolved config the way
 * NocoBase's plugin-workflow-request hands it to axios: trimmed headers and query parameters, a Content-Type of the
 * configured type (a user's own Content-Type header is ignored), and a body encoded for that type, never for a GET.
 */

export const REQUEST_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const REQUEST_CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml", "text/plain"] as const;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/** A request node's config once its templates are resolved: any JSON (and Dates) may have come out of them. */
export interface RequestConfig {
  readonly url?: unknown;
  readonly method?: unknown;
  readonly contentType?: unknown;
  readonly headers?: unknown;
  readonly params?: unknown;
  readonly data?: unknown;
  readonly timeout?: unknown;
  readonly ignoreFail?: unknown;
  readonly onlyData?: unknown;
}

interface NameValue {
  readonly name?: unknown;
  readonly value?: unknown;
}

/** The `{name, value}` items of a list, names and values trimmed as lodash's `trim` does; items without a name are left out. */
function trimmedPairs(list: unknown): [string, string][] {
  if (!Array.isArray(list)) return [];
  const pairs: [string, string][] = [];
  for (const item of list as NameValue[]) {
    const name = String(item?.name ?? "").trim();
    if (name !== "") pairs.push([name, String(item.value ?? "").trim()]);
  }
  return pairs;
}

/** The timeout in ms: the configured one when it is a positive number, else NocoBase's default. */
export function requestTimeoutOf(config: RequestConfig): number {
  const timeout = Number(config.timeout);
  return config.timeout !== undefined && config.timeout !== null && Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REQUEST_TIMEOUT_MS;
}

/** The URL with the query parameters appended as axios does (after any query it has, its hash dropped). */
function urlWithParams(url: string, params: [string, string][]): string {
  if (params.length === 0) return url;
  const hash = url.indexOf("#");
  const bare = hash === -1 ? url : url.slice(0, hash);
  return `${bare}${bare.includes("?") ? "&" : "?"}${new URLSearchParams(params).toString()}`;
}

/** axios's JSON serialisation of a string: valid JSON is sent as it is (trimmed), any other string as a JSON string. */
function jsonBody(data: unknown): string {
  if (typeof data !== "string") return JSON.stringify(data);
  try {
    JSON.parse(data);
    return data.trim();
  } catch {
    return JSON.stringify(data);
  }
}

/** A multipart/form-data body of the text fields `{valueType: 'text', name, text}`, with its Content-Type. */
function multipartBody(data: unknown, boundary: string): { body: string; contentType: string } {
  if (!Array.isArray(data)) throw new TypeError("multipart/form-data data must be a list of fields");
  // The escaping of field names that browsers' FormData applies.
  const escape = (name: string) => name.replace(/\r\n|\r|\n/g, "%0D%0A").replace(/"/g, "%22");
  let body = "";
  for (const field of data as { valueType?: unknown; name?: unknown; text?: unknown }[]) {
    if (field?.valueType !== "text") {
      throw new TypeError(field?.valueType === "file" ? "multipart file fields are not supported: workflows have no file storage here" : `Invalid value type: ${JSON.stringify(field)}`);
    }
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${escape(String(field.name ?? ""))}"\r\n\r\n${String(field.text ?? "")}\r\n`;
  }
  return { body: `${body}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The body of `data` for `contentType` and the Content-Type header that goes with it. */
function encodedBody(contentType: string, data: unknown, boundary: string): { body: string; contentType: string } {
  switch (contentType) {
    case "multipart/form-data":
      return multipartBody(data, boundary);
    case "application/x-www-form-urlencoded": {
      if (!Array.isArray(data)) throw new TypeError("application/x-www-form-urlencoded data must be a list of {name, value}");
      const pairs = (data as NameValue[]).filter((p) => p?.name && p.value !== undefined).map((p): [string, string] => [String(p.name), String(p.value)]);
      return { body: new URLSearchParams(pairs).toString(), contentType };
    }
    case "text/plain":
      return { body: String(data), contentType };
    default:
      // axios: objects, and anything under a JSON type, as JSON; other strings and scalars as they are.
      return { body: contentType.includes("application/json") || typeof data === "object" ? jsonBody(data) : String(data), contentType };
  }
}

/**
 * The outbound request of a resolved config. `boundary` is a fresh token for a multipart body. Throws TypeError for
 * a body its content type cannot carry; the URL itself is checked when it is sent.
 */
export function outboundRequestOf(config: RequestConfig, boundary: string): OutboundRequest {
  const method = typeof config.method === "string" && config.method !== "" ? config.method.toUpperCase() : "POST";
  const contentType = typeof config.contentType === "string" ? config.contentType : "application/json";
  const headers = Object.fromEntries(trimmedPairs(config.headers).filter(([name]) => name.toLowerCase() !== "content-type"));
  const url = urlWithParams(typeof config.url === "string" ? config.url.trim() : "", trimmedPairs(config.params));
  const timeoutMs = requestTimeoutOf(config);
  if (method === "GET" || config.data === undefined || config.data === null) return { url, method, headers, timeoutMs };
  const encoded = encodedBody(contentType, config.data, boundary);
  return { url, method, headers: encoded.contentType === "" ? headers : { ...headers, "Content-Type": encoded.contentType }, body: encoded.body, timeoutMs };
}

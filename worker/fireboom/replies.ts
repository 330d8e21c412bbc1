/**
 * Return value of a hook script → the JSON body Fireboom's Go caller expects (fireboom-hooks.md §3, V1-V23).
 * The sandbox hands back `null` for a script that returned undefined.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export type OperationHook = "mockResolve" | "preResolve" | "postResolve" | "mutatingPreResolve" | "mutatingPostResolve" | "customResolve";

/**
 * `setClientRequestHeaders`: Fireboom replaces the client request headers with a non-empty map and keeps them for
 * an empty or absent one. hookflow answers the complete map (incoming headers with the hook's changes) when the
 * hook called ctx.setClientRequestHeader, else `{}` for preResolve (as the reference server's vector V2 shows)
 * and nothing for the other hooks.
 */
export function clientRequestHeaders(
  incoming: Readonly<Record<string, string>> | undefined,
  changes: ReadonlyMap<string, string | null>,
): Record<string, string> | undefined {
  if (changes.size === 0) return undefined;
  const headers: Record<string, string> = { ...incoming };
  for (const [name, value] of changes) {
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) delete headers[existing];
    if (value !== null) headers[name] = value;
  }
  return headers;
}

export function operationReply(op: string, hook: OperationHook, result: unknown, headers: Record<string, string> | undefined): Json {
  const reply: Json = { op, hook };
  switch (hook) {
    case "mutatingPreResolve":
      reply.input = result;
      break;
    case "mockResolve":
    case "mutatingPostResolve":
    case "customResolve":
      reply.response = result ?? null;
      break;
    case "preResolve":
    case "postResolve":
      break;
  }
  if (headers !== undefined) reply.setClientRequestHeaders = headers;
  else if (hook === "preResolve") reply.setClientRequestHeaders = {};
  return reply;
}

/**
 * httpTransport hooks: undefined or `{skip: true}` → skip (so onOriginRequest never loses the body), `{cancel: true}`
 * → cancel, anything else replaces the request (`field` = "request") or response (`field` = "response").
 */
export function transportReply(op: string, hook: string, field: "request" | "response", result: unknown): Json {
  return { op, hook, response: transportDecision(field, result) };
}

function transportDecision(field: "request" | "response", result: unknown): Json {
  if (result === null || result === undefined || (isObject(result) && result.skip === true)) return { skip: true, cancel: false };
  if (isObject(result) && result.cancel === true) return { skip: false, cancel: true };
  return { skip: false, cancel: false, [field]: result };
}

export function connectionInitReply(result: unknown): Json {
  return { hook: "onConnectionInit", response: { payload: result ?? null } };
}

export type AuthenticationHook = "postAuthentication" | "mutatingPostAuthentication" | "revalidateAuthentication" | "postLogout";

/** mutating/revalidate answer `{user, status, message}` (the fields the script gave); post hooks only `{hook}`. */
export function authenticationReply(hook: AuthenticationHook, result: unknown): Json {
  if (hook === "postAuthentication" || hook === "postLogout") return { hook };
  const response: Json = {};
  if (isObject(result)) {
    for (const key of ["user", "status", "message"] as const) if (result[key] !== undefined) response[key] = result[key];
  } else {
    response.status = "deny";
    response.message = `the ${hook} hook returned no {status, user}`;
  }
  return { hook, response };
}

/** Upload hooks answer at the top level: `{fileKey}` or `{error}` for preUpload, `{}` for postUpload. */
export function uploadReply(hook: "preUpload" | "postUpload", result: unknown): Json {
  if (isObject(result) && typeof result.error === "string" && result.error !== "") return { error: result.error };
  if (hook === "preUpload" && isObject(result) && typeof result.fileKey === "string" && result.fileKey !== "") return { fileKey: result.fileKey };
  return {};
}

/** A function answers `{"response": <return>}` (plus the changed client request headers, if any). */
export function functionReply(result: unknown, headers: Record<string, string> | undefined): Json {
  return headers === undefined ? { response: result ?? null } : { response: result ?? null, setClientRequestHeaders: headers };
}

/**
 * Proxy: the script answers `{statusCode, headers?, body?}` (body a string) or `{cancel: true}`; Fireboom wants the
 * OnResponseHookResponse envelope with the body as base64 `originBody`.
 */
export function proxyReply(request: { method: string; requestURI: string }, result: unknown): Json {
  if (isObject(result) && result.cancel === true) return { hook: "proxy", response: { skip: false, cancel: true } };
  const answer = isObject(result) ? result : {};
  const statusCode = typeof answer.statusCode === "number" ? answer.statusCode : 200;
  const response: Json = {
    statusCode,
    status: statusText(statusCode),
    method: request.method,
    requestURI: request.requestURI,
    headers: isObject(answer.headers) ? answer.headers : {},
  };
  if (answer.body !== undefined && answer.body !== null) {
    response.originBody = base64(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  }
  return { hook: "proxy", response: { skip: false, cancel: false, response } };
}

export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(data: string): string {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity",
  429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
};

/** Go's http.StatusText for the common codes. */
export function statusText(code: number): string {
  return STATUS_TEXT[code] ?? "";
}

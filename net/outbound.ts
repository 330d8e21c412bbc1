/**
 * The contract of an outbound HTTP call made on a user's behalf (the workflow `request` node, later the outbound
 * webhooks of subscriptions): what goes out, what comes back, and how it fails.
 */

/** An outbound request, fully resolved; `body` is sent as is. */
export interface OutboundRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The whole exchange (redirects and the response body included) must end within this many milliseconds. */
  readonly timeoutMs: number;
}

/** The answer of an outbound request; `body` is the response text, `headers` have lower-case names. */
export interface OutboundResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * An outbound request that did not get an answer, with a Node/axios-style `code`: `ECONNABORTED` (timed out),
 * `ECONNRESET` (the connection was lost or refused), `EHOSTBLOCKED` (refused by the project's host rules),
 * `ERR_INVALID_URL` (not an http(s) URL), `ERR_BAD_RESPONSE` (a response over the size limit),
 * `ERR_FR_TOO_MANY_REDIRECTS`, or `ERR_NETWORK` (any other network failure).
 */
export class OutboundError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

/** How a request that ran out of time fails (axios's wording, which NocoBase's results carry). */
export function timeoutError(timeoutMs: number): OutboundError {
  return new OutboundError("ECONNABORTED", `timeout of ${timeoutMs}ms exceeded`);
}

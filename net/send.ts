import { OutboundError, timeoutError, type OutboundRequest, type OutboundResponse } from "./outbound";
import { checkedUrl, type OutboundPolicy } from "./outbound-policy";
import { redirectedHop, type Hop } from "./redirect";

/** Redirects followed before giving up (follow-redirects' default, which NocoBase's axios uses). */
export const MAX_REDIRECTS = 21;
/** The largest response body read, in bytes: the answer becomes a job result, stored in one SQLite row (≤ 2 MB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends an outbound request with the Workers fetch, following redirects itself so that every hop's URL passes the
 * policy (fetch's own redirects would reach a private host unchecked). The whole exchange, the response body
 * included, must end within `timeoutMs`. Any HTTP status is an answer; everything else rejects with OutboundError.
 */
export async function sendOutbound(request: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
  try {
    let hop: Hop = { url: checkedUrl(request.url, policy), method: request.method.toUpperCase(), headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) };
    for (let redirects = 0; ; redirects++) {
      const response = await fetch(hop.url, { method: hop.method, headers: hop.headers, body: hop.body ?? null, redirect: "manual", signal: deadline.signal });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return await answerOf(response);
      await response.body?.cancel();
      if (redirects === MAX_REDIRECTS) throw new OutboundError("ERR_FR_TOO_MANY_REDIRECTS", "Maximum number of redirects exceeded");
      hop = redirectedHop(hop, response.status, checkedUrl(location, policy, hop.url));
    }
  } catch (error) {
    if (deadline.signal.aborted) throw timeoutError(request.timeoutMs);
    throw outboundErrorOf(error);
  } finally {
    clearTimeout(timer);
  }
}

/** The response with its body read as UTF-8 text, refused past MAX_RESPONSE_BYTES. */
async function answerOf(response: Response): Promise<OutboundResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  });
  return { status: response.status, statusText: response.statusText, headers, body: await boundedText(response) };
}

async function boundedText(response: Response): Promise<string> {
  const tooLarge = () => new OutboundError("ERR_BAD_RESPONSE", `maxContentLength size of ${MAX_RESPONSE_BYTES} exceeded`);
  if (Number(response.headers.get("content-length")) > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * A fetch failure as the Node errors NocoBase's results carry. workerd reports a connection closed before the
 * answer, and one refused, alike as "Network connection lost.": Node's wording for the first is "socket hang up".
 */
function outboundErrorOf(error: unknown): OutboundError {
  if (error instanceof OutboundError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message === "Network connection lost.") return new OutboundError("ECONNRESET", "socket hang up");
  return new OutboundError("ERR_NETWORK", `Network Error: ${message}`);
}

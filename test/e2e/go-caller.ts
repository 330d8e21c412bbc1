/**
 * A client that calls a hook server the way Fireboom's Go engine does (fireboom-hooks.md §1.2, §3): plain
 * HTTP/1.1 over a keep-alive connection pool, the Go client's own headers (`User-Agent: Go-http-client/1.1`,
 * `Accept-Encoding: gzip`, a `Content-Length`, never chunked), `Content-Type: application/json` and
 * `X-Request-Id` on every hook POST, and JSON encoded as Go's encoding/json encodes it (`<`, `>`, `&`, U+2028 and
 * U+2029 escaped). Node's fetch would add headers of its own (Accept, Sec-Fetch-Mode, …), so this uses node:http.
 */
import { Agent, request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { REQUEST_ID } from "../fixtures/fireboom";
import { parseBody } from "../fixtures/http";

export interface GoReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The body as text (gunzipped if the server compressed it, as Go's transport does transparently). */
  readonly text: string;
  /** The body as JSON, or the text when it is not JSON. */
  readonly body: any;
}

/** Go's json.Marshal: like JSON.stringify, but HTML-safe (`<` `>` `&`) and with U+2028/U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Go's retryablehttp retries connection errors, 429 and every 5xx except 500 and 501 (fireboom-hooks.md §1.2):
 * a hook answered with one of these would run again, up to 10 more times.
 */
export function isRetriedByFireboom(status: number): boolean {
  return status === 429 || (status >= 502 && status <= 599);
}

/**
 * Splits a function subscription body the way Fireboom reads it (`DoFunctionSubscriptionRequest`): read up to
 * and including `\n`, then consume one more byte (the second `\n`), until EOF. Returns the messages; throws if a
 * message is not followed by `\n\n` or is not one JSON object.
 */
export function readGoFrames(text: string): unknown[] {
  const messages: unknown[] = [];
  let at = 0;
  while (at < text.length) {
    const newline = text.indexOf("\n", at);
    if (newline === -1) throw new Error(`unterminated message at ${at}: ${JSON.stringify(text.slice(at))}`);
    if (text[newline + 1] !== "\n") throw new Error(`message at ${at} is not followed by \\n\\n: ${JSON.stringify(text.slice(at, newline + 2))}`);
    const message = JSON.parse(text.slice(at, newline));
    if (message === null || typeof message !== "object" || Array.isArray(message)) throw new Error(`message at ${at} is not an object`);
    messages.push(message);
    at = newline + 2;
  }
  return messages;
}

export interface GoCaller {
  /** `POST {base}{path}` with a JSON body, as every hook call is sent. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<GoReply>;
  /** `POST {base}{path}` with a raw body (e.g. one that is not JSON). */
  postRaw(path: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<GoReply>;
  /** `GET {base}{path}` (health, the SSE form of /gqls). */
  get(path: string, headers?: Record<string, string>): Promise<GoReply>;
  /**
   * `POST {base}{path}` and read the streamed body only up to the end of the first `\n\n`-framed message, then
   * drop the connection, as Fireboom does for `X-WG-Subscribe-Once`. Resolves to the status and the text read.
   */
  postFirstMessage(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Closes the pooled connections. */
  close(): void;
}

/** A caller for one hook server base URL (the project's fireboomBaseUrl), with its own connection pool. */
export function goCaller(baseUrl: string): GoCaller {
  // cleanhttp's pooled transport: keep-alive, connections reused across hook calls.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const base = new URL(baseUrl);

  const goHeaders = (extra: Record<string, string> | undefined, length?: number) => ({
    "User-Agent": "Go-http-client/1.1",
    ...(length === undefined ? {} : { "Content-Length": String(length), "Content-Type": "application/json", "X-Request-Id": REQUEST_ID }),
    ...extra,
    "Accept-Encoding": "gzip",
  });

  function send(method: string, path: string, payload: Uint8Array | undefined, headers: Record<string, string> | undefined): Promise<GoReply> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = httpRequest(
        { host: base.hostname, port: base.port, method, path: `${base.pathname}${path}`, agent, headers: goHeaders(headers, payload?.byteLength) },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            let bytes = Buffer.concat(chunks);
            if (res.headers["content-encoding"] === "gzip") bytes = gunzipSync(bytes);
            const text = bytes.toString("utf8");
            const flat: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) flat[name] = Array.isArray(value) ? value.join(", ") : String(value);
            resolve({ status: res.statusCode ?? 0, headers: flat, text, body: parseBody(text) });
          });
        },
      );
      // Like Go's transport, an answer that arrives before the whole body was written wins over the write error.
      req.on("error", (error: Error) => {
        if (!answered) reject(error);
      });
      req.end(payload === undefined ? undefined : Buffer.from(payload));
    });
  }

  const encode = (body: unknown) => new TextEncoder().encode(goJson(body));

  return {
    post: (path, body, headers) => send("POST", path, encode(body), headers),
    postRaw: (path, body, headers) => send("POST", path, typeof body === "string" ? new TextEncoder().encode(body) : body, headers),
    get: (path, headers) => send("GET", path, undefined, headers),
    postFirstMessage(path, body, headers) {
      const payload = encode(body);
      return new Promise((resolve, reject) => {
        // Not from the pool: this connection is dropped mid-stream.
        const req = httpRequest(
          { host: base.hostname, port: base.port, method: "POST", path: `${base.pathname}${path}`, headers: goHeaders(headers, payload.byteLength) },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              text += chunk;
              const end = text.indexOf("\n\n");
              if (end !== -1) {
                resolve({ status: res.statusCode ?? 0, text: text.slice(0, end + 2) });
                req.destroy();
              }
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
            // Dropping the connection aborts the response; that is the point, not an error (once resolved).
            res.on("error", (error: Error) => reject(error));
          },
        );
        req.on("error", (error: Error) => reject(error));
        req.end(Buffer.from(payload));
      });
    },
    close: () => agent.destroy(),
  };
}

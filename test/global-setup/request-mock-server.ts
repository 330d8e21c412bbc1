import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/**
 * vitest globalSetup (runs in Node, not in workerd): a real HTTP server for the `request` node's tests
 * (nocobase-scenarios.md S22) and the outbound policy's. The tests read its address with `inject("requestMock")`.
 *
 * - `/api/data`: GET → `{meta: {}, data: {}}`; POST → `{meta: {}, data: <the JSON body>}`.
 * - `/api/400`: 400 with the text `Bad Request`.
 * - `/api/timeout`: `{meta: {}, data: {}}` after 2 s.
 * - `/api/end`: closes the socket without answering.
 * - `/api/echo`: what arrived, as JSON `{method, path, query, headers, body}` (the body as text).
 * - `/api/redirect?to=<url>&status=<3xx>`: a redirect to `to` (302 by default).
 * - `/api/large?bytes=<n>`: `n` bytes of text.
 * - `/hooks/receive?key=<k>&fail=<n>`: a webhook receiver. Records every request under `k` (method, headers, body,
 *   and the status it answered) and answers 500 to the first `n` of them (0 by default), then 200.
 * - `/hooks/received?key=<k>`: what `/hooks/receive` recorded under `k`, oldest first, as JSON.
 */

declare module "vitest" {
  export interface ProvidedContext {
    requestMock: {
      /** `http://127.0.0.1:<port>` of the mock server. */
      readonly origin: string;
      readonly port: number;
      /** A local port where nothing listens (connection refused). */
      readonly closedPort: number;
    };
  }
}

const SLOW_ANSWER_MS = 2_000;

/** What /hooks/receive got, by key. */
const received = new Map<string, { method: string; headers: IncomingMessage["headers"]; body: string; answered: number }[]>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(value));
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://mock");
  const body = await readBody(req);
  switch (url.pathname) {
    case "/api/data":
      return json(res, 200, { meta: {}, data: req.method === "POST" ? JSON.parse(body || "null") : {} });
    case "/api/400":
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("Bad Request");
      return;
    case "/api/timeout": {
      const timer = setTimeout(() => json(res, 200, { meta: {}, data: {} }), SLOW_ANSWER_MS);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    case "/api/end":
      req.socket.destroy();
      return;
    case "/api/echo":
      return json(res, 200, { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body });
    case "/api/redirect":
      res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: url.searchParams.get("to") ?? "/api/data" });
      res.end();
      return;
    case "/api/large":
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("x".repeat(Number(url.searchParams.get("bytes") ?? 0)));
      return;
    case "/hooks/receive": {
      const key = url.searchParams.get("key") ?? "";
      const log = received.get(key) ?? [];
      received.set(key, log);
      const answered = log.length < Number(url.searchParams.get("fail") ?? 0) ? 500 : 200;
      log.push({ method: req.method ?? "", headers: req.headers, body, answered });
      return json(res, answered, { ok: answered === 200 });
    }
    case "/hooks/received":
      return json(res, 200, received.get(url.searchParams.get("key") ?? "") ?? []);
    default:
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not Found");
  }
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  const port = await listen(server);
  // A port that was just free and is closed again: connecting to it is refused.
  const probe = createServer();
  const closedPort = await listen(probe);
  await close(probe);
  project.provide("requestMock", { origin: `http://127.0.0.1:${port}`, port, closedPort });
  return async () => {
    server.closeAllConnections();
    await close(server);
  };
}

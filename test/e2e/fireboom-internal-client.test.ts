/**
 * Vector V23 of fireboom-hooks.md: what a hook's ctx.internalClient sends to Fireboom's internal API. The
 * "Fireboom" here is a stub HTTP server on 127.0.0.1 that records the request and answers like Fireboom.
 */
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CR_POST, REQUEST_ID, USER, V23_INTERNAL_BODY } from "../fixtures/fireboom";
import { listeningPort, request, startServer, type Server } from "./server";

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

let server: Server;
let stub: ReturnType<typeof createServer>;
let stubUrl = "";
const recorded: Recorded[] = [];

beforeAll(async () => {
  stub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      recorded.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ data: { Todo_findFirstTodo: { id: 1, title: "hello" } } }));
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  stubUrl = `http://127.0.0.1:${listeningPort(stub)}`;
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => stub?.close(resolve));
});

describe("V23 hook → Fireboom internal call", () => {
  it("POSTs {input, __wg} to internalUrl/internal/operations/{path} with X-Request-Id and Wg-Cycle-Counter", async () => {
    const created = await request(server, "PUT", "/v1/projects/fb-internal");
    expect(created.status).toBe(201);
    const settings = await request(server, "PATCH", "/v1/projects/fb-internal", { json: { fireboom: { internalUrl: stubUrl } } });
    expect(settings.status).toBe(200);
    const uploaded = await request(server, "PUT", "/v1/projects/fb-internal/scripts/function/lookup", {
      script: `export default async (ctx) => ctx.internalClient.operations["Todo/GetOne"]({ id: ctx.input.id });`,
    });
    expect(uploaded.status).toBe(201);

    const reply = await fetch(`${created.body.fireboomBaseUrl.replace(/^https?:\/\/[^/]+/, server.url)}/function/lookup`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": REQUEST_ID },
      body: JSON.stringify({ __wg: { user: USER, clientRequest: CR_POST }, input: { id: 1 }, cycleCounter: 1 }),
    });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ response: { data: { Todo_findFirstTodo: { id: 1, title: "hello" } } } });

    expect(recorded).toHaveLength(1);
    const [call] = recorded;
    if (call === undefined) throw new Error("the stub recorded no call");
    expect(call.method).toBe("POST");
    expect(call.url).toBe("/internal/operations/Todo/GetOne");
    expect(call.headers["content-type"]).toBe("application/json");
    expect(call.headers["x-request-id"]).toBe(REQUEST_ID);
    expect(call.headers["wg-cycle-counter"]).toBe("1");
    expect(call.body).toEqual(V23_INTERNAL_BODY);
  });
});

import { Hono } from "hono";
import { background, failed, failureMessage, noScript, present, readPayload, type FireboomEnv } from "./http";
import { FunctionPayload, OnRequestPayload } from "./payloads";
import { clientRequestHeaders, fromBase64, functionReply, proxyReply } from "./replies";
import { hookRun, operationHookRun, runHook } from "./run-hook";
import { jsonFrame, openStream } from "./streaming";

/** Functions and proxies (fireboom-hooks.md §3.6-3.7), below /{project}/{hookKey}. */
export const functions = new Hono<FireboomEnv>();

/**
 * A function answers `{"response": <return>}`; one that returns an async iterable (a subscription) answers a
 * 200 stream of its items, each JSON followed by `\n\n`, written as the script yields them.
 */
functions.post("/function/:name{.+}", async (c) => {
  const hook = "function";
  const name = c.req.param("name");
  const path = `function/${name}`;
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const payload = await readPayload(c, FunctionPayload, hook);
  if (!payload.ok) return payload.response;
  const stream = openStream(jsonFrame);
  const running = runHook({
    ...operationHookRun(c, path, path, payload.value),
    // X-WG-Subscribe-Once needs nothing special: Fireboom stops reading after one message, and a write to the
    // closed stream fails the script's next emit, which ends its iteration.
    emit: (items) => stream.emit(items),
  });
  const first = await Promise.race([running.then((run) => ({ streaming: false as const, run })), stream.started.then(() => ({ streaming: true as const }))]);
  if (first.streaming) {
    background(
      c,
      running
        .then(async (run) => {
          // Too late for a status code: the error becomes a last GraphQL-style message.
          if (run.found && !run.outcome.ok) await stream.write(jsonFrame({ errors: [{ message: failureMessage(run.outcome) }] }));
        })
        .catch((error: unknown) => console.error(`[fireboom ${manifest.project}] ${path}: stream failed`, error))
        .finally(() => stream.close()),
    );
    return new Response(stream.readable, { status: 200, headers: { "Content-Type": "application/json" } });
  }
  // Ended before a first item: a failure still gets its 500, and a subscription without items an empty stream.
  void stream.close();
  const { run } = first;
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  if (stream.streams) return new Response(null, { status: 200, headers: { "Content-Type": "application/json" } });
  return c.json(functionReply(run.outcome.result, clientRequestHeaders(payload.value.__wg.clientRequest?.headers, run.headerChanges)));
});

/** A proxy script sees the request with its body as text and answers `{statusCode, headers?, body?}`. */
functions.post("/proxy/:name{.+}", async (c) => {
  const hook = "proxy";
  const path = `proxy/${c.req.param("name")}`;
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const payload = await readPayload(c, OnRequestPayload, hook);
  if (!payload.ok) return payload.response;
  const { request, operationName, operationType, __wg } = payload.value;
  let body: string | undefined;
  try {
    body = request.originBody ? fromBase64(request.originBody) : undefined;
  } catch {
    return c.json({ hook, error: "request.originBody is not valid base64" }, 400);
  }
  const { originBody: _originBody, ...rest } = request;
  const ctx = present({ request: present({ ...rest, body }), operationName, operationType, user: __wg?.user });
  const run = await runHook(hookRun(c, path, ctx, { user: __wg?.user }));
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  return c.json(proxyReply(request, run.outcome.result));
});

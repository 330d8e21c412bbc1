import { Hono } from "hono";
import { background, failed, failureMessage, hookError, noScript, present, readPayload, type FireboomContext, type FireboomEnv } from "./http";
import { CustomizePayload } from "./payloads";
import { hookRun, runHook } from "./run-hook";
import { openStream, SSE_COMPLETE, sseFrame } from "./streaming";

/**
 * Customized GraphQL data sources (fireboom-hooks.md §3.8): the script `customize/{name}` gets
 * `ctx = {query, variables, operationName?, user?, clientRequest?}` and returns a GraphQL response body
 * (`{data, errors}`), or for subscriptions an async iterable of them.
 */
export const gqls = new Hono<FireboomEnv>();

const HOOK = "customize";

gqls.post("/gqls/:name{.+}/graphql", async (c) => {
  const path = `customize/${c.req.param("name")}`;
  if (c.get("manifest").scripts[path] === undefined) return noScript(c, HOOK, path);
  const payload = await readPayload(c, CustomizePayload, HOOK);
  if (!payload.ok) return payload.response;
  const { query, variables, operationName, __wg } = payload.value;
  const ctx = present({ query, variables: variables ?? {}, operationName, user: __wg?.user, clientRequest: __wg?.clientRequest });
  const run = await runHook(hookRun(c, path, ctx, { user: __wg?.user }));
  if (!run.found) return noScript(c, HOOK, path);
  if (!run.outcome.ok) return failed(c, HOOK, run.outcome);
  return c.json(run.outcome.result);
});

/** GET: the SSE form Fireboom uses for subscriptions (`Accept: text/event-stream`), else a plain JSON query. */
gqls.get("/gqls/:name{.+}/graphql", async (c) => {
  const path = `customize/${c.req.param("name")}`;
  if (c.get("manifest").scripts[path] === undefined) return noScript(c, HOOK, path);
  const query = c.req.query("query");
  if (query === undefined) return hookError(c, HOOK, 400, "the query parameter `query` is required");
  let variables: unknown = {};
  try {
    variables = JSON.parse(c.req.query("variables") || "{}");
  } catch {
    return hookError(c, HOOK, 400, "the query parameter `variables` is not JSON");
  }
  const ctx = present({ query, variables, operationName: c.req.query("operationName") || undefined });
  if (!(c.req.header("Accept") ?? "").includes("text/event-stream")) {
    const run = await runHook(hookRun(c, path, ctx));
    if (!run.found) return noScript(c, HOOK, path);
    if (!run.outcome.ok) return failed(c, HOOK, run.outcome);
    return c.json(run.outcome.result);
  }
  return serveEvents(c, path, ctx);
});

/** Each item becomes `data: …`; a plain (non-iterable) result is one event; errors become an `errors` event. */
function serveEvents(c: FireboomContext, path: string, ctx: Record<string, unknown>): Response {
  const stream = openStream(sseFrame);
  const work = runHook({ ...hookRun(c, path, ctx), emit: (items) => stream.emit(items) })
    .then(async (run) => {
      if (!run.found) await stream.write(sseFrame({ errors: [{ message: `no script at ${path}` }] }));
      else if (!run.outcome.ok) await stream.write(sseFrame({ errors: [{ message: failureMessage(run.outcome) }] }));
      else if (run.outcome.result !== null) await stream.write(sseFrame(run.outcome.result));
      await stream.write(SSE_COMPLETE);
    })
    .catch((error: unknown) => console.error(`[fireboom ${c.get("manifest").project}] ${path}: stream failed`, error))
    .finally(() => stream.close());
  background(c, work);
  return new Response(stream.readable, {
    status: 200,
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
  });
}

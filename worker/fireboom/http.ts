import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as v from "valibot";
import type { Manifest } from "../../durable/registry";
import type { InvokeOutcome } from "../../sandbox";
import type { Bindings } from "../env";
import { payloadProblem } from "./payloads";

export interface FireboomEnv {
  Bindings: Bindings;
  Variables: { manifest: Manifest; requestId: string | undefined };
}
export type FireboomContext = Context<FireboomEnv>;

/** Hook payloads may be large (a postResolve carries the whole response). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** Every failure Fireboom sees is `{hook, error: string}`: its decoder needs `error` to be a string. */
export function hookError(c: FireboomContext, hook: string, status: ContentfulStatusCode, error: string): Response {
  return c.json({ hook, error }, status);
}

export function noScript(c: FireboomContext, hook: string, path: string): Response {
  return hookError(c, hook, 404, `no script at ${path}: upload one to serve this hook`);
}

/** A failed call: HTTP 500 (never 502/503/504, which Fireboom retries) with the sandbox's message. */
export function failed(c: FireboomContext, hook: string, outcome: Extract<InvokeOutcome, { ok: false }>): Response {
  return hookError(c, hook, 500, failureMessage(outcome));
}

/** A plain `throw new Error("title too short")` reaches Fireboom's client as just its message. */
export function failureMessage(outcome: Extract<InvokeOutcome, { ok: false }>): string {
  return outcome.error.code === "script_error" ? outcome.error.message.replace(/^Error: /, "") : outcome.error.message;
}

/** The JSON body validated against a hook's schema, or the 400/413 answer. */
export async function readPayload<S extends v.GenericSchema>(
  c: FireboomContext,
  schema: S,
  hook: string,
): Promise<{ ok: true; value: v.InferOutput<S> } | { ok: false; response: Response }> {
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_PAYLOAD_BYTES) return { ok: false, response: hookError(c, hook, 413, `hook payloads are at most ${MAX_PAYLOAD_BYTES} bytes`) };
  const text = await c.req.text();
  if (text.length > MAX_PAYLOAD_BYTES) return { ok: false, response: hookError(c, hook, 413, `hook payloads are at most ${MAX_PAYLOAD_BYTES} bytes`) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, response: hookError(c, hook, 400, "the request body is not JSON") };
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) return { ok: false, response: hookError(c, hook, 400, `invalid ${hook} payload: ${payloadProblem(parsed.issues)}`) };
  return { ok: true, value: parsed.output };
}

/** Adds a key only when the value is present, so ctx has no `undefined` members. */
export function present(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== null));
}

/** Runs work after the response was returned (the stream it writes to is still open). */
export function background(c: FireboomContext, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context (plain fetch in tests): the open stream keeps the work going.
  }
}

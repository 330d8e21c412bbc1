import { Hono, type Context } from "hono";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import type { Manifest } from "../../durable/registry";
import { claimedLink, verifyLink, type SignedLink } from "../../security/signed-links";
import type { DeliveryAnswer } from "../../durable/run-deliveries";
import { executionRunOf, pipelineRunOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { manifestOf } from "../project-cache";
import { sha256Hex } from "../../security/secrets";
import { ResumeBody, TaskSubmission } from "../schemas/workflows";
import { runWorkflow } from "./workflows";

/**
 * Signed links (api.md "Waiting and resuming from outside"): URLs that act without an API key. A forged or
 * tampered token gets the same 404 as an unknown one.
 */
export const signed = new Hono<AppEnv>();

const TokenParams = v.object({ token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{43}$/, "not a signed link")) });
const unknownLink = () => notFound("no such link");

async function verified(c: Context<AppEnv>, token: string): Promise<{ link: SignedLink; manifest: Manifest }> {
  const claimed = claimedLink(token);
  const manifest = claimed === undefined ? undefined : await manifestOf(c.env, claimed.project);
  const link = manifest === undefined ? undefined : verifyLink(manifest.verifyingSecrets, token);
  if (link === undefined || manifest === undefined || link.project !== manifest.project) throw unknownLink();
  return { link, manifest };
}

/** A signed link's body is small data (a resume's fields, a callback's data, a form): past this it is refused. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The body's text, or a 413 past MAX_BODY_BYTES. */
async function bodyText(c: Context<AppEnv>): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? 0);
  const tooLarge = () => new ApiError(413, "payload_too_large", `the body is over ${MAX_BODY_BYTES} bytes`);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) throw tooLarge();
  return text;
}

/** The JSON of a body's text, or a 400 naming what is wrong with it; an empty body is `{}`. */
function jsonOf(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_request", "the body is not JSON");
  }
}

/**
 * What makes two deliveries the same (api.md): the same link and `Idempotency-Key`, or without one the same link
 * and body.
 */
async function deliveryKeyOf(c: Context<AppEnv>, token: string, text: string): Promise<string> {
  const idempotencyKey = c.req.header("idempotency-key");
  const identity = idempotencyKey === undefined ? `body\n${token}\n${text}` : `key\n${token}\n${idempotencyKey}`;
  return sha256Hex(identity);
}

function parsed<T extends v.GenericSchema>(schema: T, value: unknown): v.InferOutput<T> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new ApiError(400, "invalid_request", `invalid body: ${result.issues.map((i) => i.message).join("; ")}`);
  return result.output;
}

signed.post(
  "/:token",
  describeRoute({
    summary:
      "Act on a signed link (no API key): resume a pending job, submit a manual task, call back a bamboo callback node, or trigger a webhook workflow; a repeated delivery (same body, or same Idempotency-Key) answers what the first answered",
    tags: ["signed links"],
    security: [],
  }),
  validator("param", TokenParams, (result, c) => (result.success ? undefined : c.json({ error: { code: "not_found", message: "no such link" } }, 404))),
  async (c) => {
    const { token } = c.req.valid("param");
    const { link, manifest } = await verified(c, token);
    const text = await bodyText(c);
    const body = jsonOf(text);
    // A link to a run that is gone gets the same 404 as a forged one.
    const delivered = (answer: DeliveryAnswer) => {
      if (answer.status === 404) throw unknownLink();
      return c.json(answer.body as never, answer.status as 202);
    };
    switch (link.kind) {
      case "job": {
        const patch = parsed(ResumeBody, body);
        return delivered(await executionRunOf(c.env, link.project, link.execution).deliverResume(await deliveryKeyOf(c, token, text), link.job, patch));
      }
      case "task": {
        const submission = parsed(TaskSubmission, body);
        return delivered(await executionRunOf(c.env, link.project, link.execution).deliverTask(await deliveryKeyOf(c, token, text), link.task, link.assignee, submission));
      }
      case "callback":
        return delivered(await pipelineRunOf(c.env, link.project, link.run).deliverCallback(await deliveryKeyOf(c, token, text), link.node, link.version, body));
      case "webhook": {
        const url = new URL(c.req.url);
        const context = { data: body, headers: Object.fromEntries(c.req.raw.headers), query: Object.fromEntries(url.searchParams) };
        // A webhook sent again with the same Idempotency-Key names the same execution (its event key), and starts none.
        const { workflow, execution } = await runWorkflow(c, manifest, link.workflow, context, c.req.header("idempotency-key"), "webhook");
        if (!workflow.sync) return c.json({ execution: { id: execution.id, status: execution.status } }, 202);
        // A sync workflow answers with what its output node set, else with its execution.
        return execution.output !== null ? c.json(execution.output as never, 200) : c.json({ execution }, 200);
      }
    }
  },
);

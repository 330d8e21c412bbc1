import { Hono, type Context } from "hono";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import type { Manifest } from "../../durable/registry";
import { claimedLink, verifyLink, type SignedLink } from "../../security/signed-links";
import { executionRunOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { manifestOf } from "../project-cache";
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
  const link = manifest === undefined ? undefined : await verifyLink(manifest.signingSecret, token);
  if (link === undefined || manifest === undefined || link.project !== manifest.project) throw unknownLink();
  return { link, manifest };
}

/** The JSON body, or a 400 naming what is wrong with it; an empty body is `{}`. */
async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_request", "the body is not JSON");
  }
}

function parsed<T extends v.GenericSchema>(schema: T, value: unknown): v.InferOutput<T> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new ApiError(400, "invalid_request", `invalid body: ${result.issues.map((i) => i.message).join("; ")}`);
  return result.output;
}

signed.post(
  "/:token",
  describeRoute({
    summary: "Act on a signed link: resume a pending job, submit a manual task, or trigger a webhook workflow (no API key)",
    tags: ["signed links"],
    security: [],
  }),
  validator("param", TokenParams, (result, c) => (result.success ? undefined : c.json({ error: { code: "not_found", message: "no such link" } }, 404))),
  async (c) => {
    const { link, manifest } = await verified(c, c.req.valid("param").token);
    const body = await jsonBody(c);
    switch (link.kind) {
      case "job": {
        const answer = await executionRunOf(c.env, link.project, link.execution).resume(link.job, parsed(ResumeBody, body));
        if (!answer.ok) throw new ApiError(answer.status, answer.code, answer.message);
        return c.json({ accepted: true }, 202);
      }
      case "task": {
        const answer = await executionRunOf(c.env, link.project, link.execution).submitTask(link.task, link.assignee, parsed(TaskSubmission, body));
        if (!answer.ok) throw new ApiError(answer.status, answer.code, answer.message);
        return c.json({ accepted: true }, 202);
      }
      case "webhook": {
        const url = new URL(c.req.url);
        const context = { data: body, headers: Object.fromEntries(c.req.raw.headers), query: Object.fromEntries(url.searchParams) };
        const { workflow, execution } = await runWorkflow(c, manifest, link.workflow, context, undefined, "webhook");
        if (!workflow.sync) return c.json({ execution: { id: execution.id, status: execution.status } }, 202);
        // A sync workflow answers with what its output node set, else with its execution.
        return execution.output !== null ? c.json(execution.output as never, 200) : c.json({ execution }, 200);
      }
    }
  },
);

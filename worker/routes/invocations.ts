import { Hono } from "hono";
import { describeRoute, validator } from "hono-openapi";
import type { RecordedOutcome, StoredInvocation } from "../../durable/invocations";
import { requireProject } from "../auth";
import { registryOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import type { RecordedCall } from "../fireboom/record-invocation";
import { replayCall } from "../fireboom/replay";
import { InvocationParams, InvocationsQuery, ReplayBody } from "../schemas/invocations";
import { ProjectParams } from "../schemas/project-name";

/** Recorded Fireboom hook calls and their replay (docs/hooks.md "Recorded calls and replay"). Mounted below /v1/projects, after authentication. */
export const invocations = new Hono<AppEnv>();

const TAGS = ["invocations"];

const noInvocation = (id: string) => notFound(`no recorded call ${id}`);

/** A stored call's JSON, read. */
const readStored = ({ callJson, outcomeJson, ...summary }: StoredInvocation) => ({
  summary,
  call: callJson === null ? null : (JSON.parse(callJson) as RecordedCall),
  recorded: JSON.parse(outcomeJson) as RecordedOutcome,
});

invocations.get(
  "/:project/invocations",
  describeRoute({
    summary: "The project's recorded hook calls (every failed one, and the sampled share of the others), newest first",
    tags: TAGS,
  }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  validator("query", InvocationsQuery, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const { path, outcome, since, until, limit } = c.req.valid("query");
    const listed = await registryOf(c.env, project).listInvocations({ path, ok: outcome === undefined ? undefined : outcome === "ok", since, until, limit });
    return c.json({ invocations: listed });
  },
);

invocations.get(
  "/:project/invocations/:id",
  describeRoute({ summary: "One recorded hook call: its ctx data (secrets redacted) and outcome", tags: TAGS }),
  validator("param", InvocationParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    const stored = await registryOf(c.env, project).getInvocation(id);
    if (stored === undefined) throw noInvocation(id);
    const { summary, call, recorded } = readStored(stored);
    const { errorCode: _errorCode, outcome, usage, ...fields } = summary;
    return c.json({ ...fields, args: call?.ctx ?? null, outcome: { ok: outcome === "ok", ...recorded, usage } });
  },
);

invocations.post(
  "/:project/invocations/:id/replay",
  describeRoute({
    summary:
      "Run a recorded hook call again, against the current script version or `version`; reaches nothing outside (internalClient, fetch) unless `live`",
    tags: TAGS,
  }),
  validator("param", InvocationParams, rejectInvalid),
  requireProject,
  validator("json", ReplayBody, rejectInvalid),
  async (c) => {
    const { project, id } = c.req.valid("param");
    const { version, live } = c.req.valid("json");
    const registry = registryOf(c.env, project);
    // The manifest from the registry itself, not the isolate's cache: a replay right after an upload runs the upload.
    const [manifest, stored] = await Promise.all([registry.manifest(), registry.getInvocation(id)]);
    if (manifest === undefined) throw notFound(`project ${project} does not exist`);
    if (stored === undefined) throw noInvocation(id);
    const { summary, call, recorded } = readStored(stored);
    if (call === null) throw new ApiError(409, "not_replayable", `the call ${id} was too large to record in full, so it cannot be replayed`);
    const { path } = summary;
    const target = version === undefined ? manifest.scripts[path] : await registry.getScript(path, version);
    if (target === undefined) throw notFound(version === undefined ? `no script at ${path} now` : `the script ${path} has no version ${version}`);
    const replay = await replayCall(c.env, manifest, path, call, target, live === true);
    if (replay === undefined) throw notFound(`the source of ${path} v${target.version} is gone`);
    return c.json({ recorded: { version: summary.version, ok: summary.outcome === "ok", ...recorded, usage: summary.usage }, replay });
  },
);

import { Hono, type Context } from "hono";
import { describeRoute, validator } from "hono-openapi";
import type { Answer, ExecutionView } from "../../durable/execution-run";
import type { StoredWorkflow } from "../../durable/project-registry";
import type { Manifest } from "../../durable/registry";
import { startExecution } from "../../durable/start-execution";
import type { WorkflowDef } from "../../engine/nocobase/workflow";
import { signedUrl, signLink } from "../../security/signed-links";
import { publicOriginOf } from "../public-origin";
import { requireProject } from "../auth";
import { executionRunOf, registryOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { eventStream, streamStart, wantsEventStream } from "../event-stream";
import { manifestOf } from "../project-cache";
import { sha256Hex } from "../../security/secrets";
import { ProjectParams } from "../schemas/project-name";
import { EventsQuery } from "../schemas/pipelines";
import {
  ExecuteBody,
  ExecutionParams,
  JobParams,
  PageQuery,
  RerunBody,
  ResumeBody,
  VariablesQuery,
  VersionQuery,
  WorkflowBody,
  WorkflowParams,
} from "../schemas/workflows";
import { workflowProblems, workflowVariables } from "../workflow-validation";

/** NocoBase workflows and their executions (api.md "Workflows"). Mounted below /v1/projects, after authentication. */
export const workflows = new Hono<AppEnv>();

const TAGS = ["workflows"];

async function projectManifest(c: Context<AppEnv>, project: string): Promise<Manifest> {
  const manifest = await manifestOf(c.env, project);
  if (manifest === undefined) throw notFound(`project ${project} does not exist`);
  return manifest;
}

/** A webhook trigger's signed URL (the same for every version of the workflow). */
export async function webhookUrlOf(c: Context<AppEnv>, manifest: Manifest, key: string): Promise<string> {
  return signedUrl(publicOriginOf(c, manifest), signLink(manifest.signingSecret, { kind: "webhook", project: manifest.project, workflow: key }));
}

function answer<T>(c: Context<AppEnv>, result: Answer<T>, status: 200 | 202 = 200): Response {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return c.json(result.value as never, status);
}

/** A stored version (RPC cannot type a definition's free-form JSON, so the registry's own type is restated). */
async function storedWorkflow(c: Context<AppEnv>, project: string, key: string, version?: number): Promise<StoredWorkflow | undefined> {
  return (await registryOf(c.env, project).getWorkflow(key, version)) as StoredWorkflow | undefined;
}

/**
 * Starts an execution of the current version of workflow `key` (a repeated `eventKey` answers the execution it
 * started, and starts nothing). A sync workflow has run when this answers.
 */
export async function runWorkflow(c: Context<AppEnv>, manifest: Manifest, key: string, context: unknown, eventKey: string | undefined, trigger?: string): Promise<{ workflow: WorkflowDef; execution: ExecutionView }> {
  const stored = await storedWorkflow(c, manifest.project, key);
  // An event trigger (webhook) reaches only an enabled workflow of its type; the execute API runs any.
  if (stored === undefined || (trigger !== undefined && (stored.definition.trigger.type !== trigger || (stored.definition as { enabled?: boolean }).enabled === false))) {
    throw notFound(`no workflow ${key}`);
  }
  const workflow = stored.definition;
  const started = await startExecution(c.env.EXECUTION_RUNS, manifest, workflow, { context, ...(eventKey === undefined ? {} : { eventKey }), origin: new URL(c.req.url).origin });
  if (!started.ok) throw new ApiError(started.status, started.code, started.message);
  return { workflow, execution: started.value.execution };
}

workflows.put(
  "/:project/workflows/:key",
  describeRoute({ summary: "Save a workflow definition as its new current version (validated; nothing is stored if it is refused)", tags: TAGS }),
  validator("param", WorkflowParams, rejectInvalid),
  requireProject,
  validator("json", WorkflowBody, rejectInvalid),
  async (c) => {
    const { project, key } = c.req.valid("param");
    const body = c.req.valid("json");
    const manifest = await projectManifest(c, project);
    const definition = {
      key,
      ...(body.title === undefined ? {} : { title: body.title }),
      enabled: body.enabled ?? true,
      sync: body.sync ?? false,
      trigger: body.trigger,
      options: body.options ?? {},
      nodes: body.nodes,
    };
    const problems = await workflowProblems(c.env, manifest, { ...definition, version: 0 } as WorkflowDef);
    if (problems.length > 0) {
      const nodes = [...new Set(problems.flatMap((p) => (p.node === undefined ? [] : [p.node])))];
      const message = problems.map((p) => (p.node === undefined ? p.message : `node "${p.node}": ${p.message}`)).join("; ");
      throw new ApiError(400, "workflow_invalid", message, { nodes, problems });
    }
    const saved = await registryOf(c.env, project).putWorkflow(definition, await sha256Hex(JSON.stringify(definition)), publicOriginOf(c, manifest));
    if (saved === undefined) throw notFound(`project ${project} does not exist`);
    const reply = { key, version: saved.version, ...(body.trigger.type === "webhook" ? { webhookUrl: await webhookUrlOf(c, manifest, key) } : {}) };
    return c.json(reply, saved.created ? 201 : 200);
  },
);

workflows.get(
  "/:project/workflows",
  describeRoute({ summary: "The project's workflows, each at its current version", tags: TAGS }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project } = c.req.valid("param");
    return c.json({ workflows: await registryOf(c.env, project).listWorkflows() });
  },
);

workflows.get(
  "/:project/workflows/:key",
  describeRoute({ summary: "A workflow's current version, or an older one (?version=n), with its version list", tags: TAGS }),
  validator("param", WorkflowParams, rejectInvalid),
  validator("query", VersionQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, key } = c.req.valid("param");
    const manifest = await projectManifest(c, project);
    const found = await storedWorkflow(c, project, key, c.req.valid("query").version);
    if (found === undefined) throw notFound(`no workflow ${key}${c.req.valid("query").version === undefined ? "" : ` version ${c.req.valid("query").version}`}`);
    const webhook = found.definition.trigger.type === "webhook" ? { webhookUrl: await webhookUrlOf(c, manifest, key) } : {};
    return c.json({ ...found.definition, current: found.current, executed: found.executed, createdAt: found.createdAt, versions: found.versions, ...webhook });
  },
);

workflows.get(
  "/:project/workflows/:key/variables",
  describeRoute({ summary: "The VariableOption tree a node may use: scopes, upstream results, trigger, system and $env variables", tags: TAGS }),
  validator("param", WorkflowParams, rejectInvalid),
  validator("query", VariablesQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, key } = c.req.valid("param");
    const { node, version } = c.req.valid("query");
    const manifest = await projectManifest(c, project);
    const found = await storedWorkflow(c, project, key, version);
    if (found === undefined) throw notFound(`no workflow ${key}${version === undefined ? "" : ` version ${version}`}`);
    const options = await workflowVariables(c.env, manifest, found.definition, node);
    if (options === null) throw notFound(`workflow ${key} has no node ${node}`);
    return c.json({ node, version: found.definition.version, options });
  },
);

workflows.delete(
  "/:project/workflows/:key",
  describeRoute({ summary: "Delete a workflow (executions in flight keep their version)", tags: TAGS }),
  validator("param", WorkflowParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, key } = c.req.valid("param");
    if (!(await registryOf(c.env, project).deleteWorkflow(key))) throw notFound(`no workflow ${key}`);
    return c.json({ key, deleted: true });
  },
);

workflows.post(
  "/:project/workflows/:key/execute",
  describeRoute({ summary: "Start an execution with $context = context (sync: 200 once run; async: 202 queued)", tags: TAGS }),
  validator("param", WorkflowParams, rejectInvalid),
  requireProject,
  validator("json", ExecuteBody, rejectInvalid),
  async (c) => {
    const { project, key } = c.req.valid("param");
    const body = c.req.valid("json");
    const { workflow, execution } = await runWorkflow(c, await projectManifest(c, project), key, body.context ?? {}, body.eventKey);
    // A sync workflow has run: its whole execution. An async one is queued: its id and status.
    return workflow.sync ? c.json({ execution }, 200) : c.json({ execution: { id: execution.id, status: execution.status } }, 202);
  },
);

workflows.get(
  "/:project/workflows/:key/executions",
  describeRoute({ summary: "A workflow's executions, newest first (?cursor= to page)", tags: TAGS }),
  validator("param", WorkflowParams, rejectInvalid),
  validator("query", PageQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, key } = c.req.valid("param");
    const page = await registryOf(c.env, project).listExecutions(key, c.req.valid("query").cursor, 100);
    return c.json(page);
  },
);

workflows.get(
  "/:project/executions/:id",
  describeRoute({ summary: "An execution with its jobs in id order (a pending job has its resumeUrl)", tags: TAGS }),
  validator("param", ExecutionParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    return answer(c, await executionRunOf(c.env, project, id).view());
  },
);

workflows.get(
  "/:project/executions/:id/events",
  describeRoute({ summary: "The execution's event log in order (?after=seq to page; Accept: text/event-stream streams it)", tags: TAGS }),
  validator("param", ExecutionParams, rejectInvalid),
  validator("query", EventsQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    const { after, limit } = c.req.valid("query");
    if (wantsEventStream(c)) return eventStream((from, waitMs) => executionRunOf(c.env, project, id).waitEvents(from, limit, waitMs), streamStart(c, after));
    return answer(c, await executionRunOf(c.env, project, id).events(after, limit));
  },
);

workflows.post(
  "/:project/executions/:id/cancel",
  describeRoute({ summary: "Cancel: ABORTED with reason manual_cancel, pending jobs ABORTED", tags: TAGS }),
  validator("param", ExecutionParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    const run = executionRunOf(c.env, project, id);
    answer(c, await run.cancel());
    return answer(c, await run.view());
  },
);

workflows.post(
  "/:project/executions/:id/jobs/:jobId/resume",
  describeRoute({ summary: "Set status/result/meta on a pending job and resume it (plugin.resume)", tags: TAGS }),
  validator("param", JobParams, rejectInvalid),
  requireProject,
  validator("json", ResumeBody, rejectInvalid),
  async (c) => {
    const { project, id, jobId } = c.req.valid("param");
    answer(c, await executionRunOf(c.env, project, id).resume(jobId, c.req.valid("json")));
    return c.json({ accepted: true }, 202);
  },
);

workflows.post(
  "/:project/executions/:id/rerun",
  describeRoute({ summary: "Run a started execution again from a node (the head by default)", tags: TAGS }),
  validator("param", ExecutionParams, rejectInvalid),
  requireProject,
  validator("json", RerunBody, rejectInvalid),
  async (c) => {
    const { project, id } = c.req.valid("param");
    answer(c, await executionRunOf(c.env, project, id).rerun(c.req.valid("json").nodeKey));
    return c.json({ accepted: true }, 202);
  },
);

workflows.get(
  "/:project/executions/:id/tasks",
  describeRoute({ summary: "The manual tasks of an execution, each with its assignee's signed URL", tags: TAGS }),
  validator("param", ExecutionParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    return answer(c, await executionRunOf(c.env, project, id).tasks());
  },
);

import { publicOriginOf } from "../public-origin";
import { Hono, type Context } from "hono";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import { isBuiltinComponent } from "../../engine/bamboo/builtins";
import { DEFAULT_RUN_SETTINGS } from "../../engine/bamboo/records";
import { scriptsOfTree, type PipelineTree } from "../../engine/bamboo/tree";
import { validatePipelineTree } from "../../engine/bamboo/validator";
import type { Answer, PipelineOperation } from "../../durable/pipeline-run";
import type { Manifest } from "../../durable/registry";
import { RunScripts, isPipelineScript, type PinnedScripts } from "../../durable/run-scripts";
import { InvalidOperation, NotFound } from "../../engine/bamboo/errors";
import { HydrateFailed } from "../../engine/bamboo/context";
import { previewNodeInputs } from "../../engine/bamboo/preview";
import { resolveLimits } from "../../sandbox";
import { requireProject } from "../auth";
import { pipelineRunOf, registryOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { eventStream, streamStart, wantsEventStream } from "../event-stream";
import { manifestOf } from "../project-cache";
import { ProjectParams } from "../schemas/project-name";
import {
  CallbackBody,
  ContextQuery,
  EmptyBody,
  EventsQuery,
  ForcedFailBody,
  PreviewInputsBody,
  NodeParams,
  PipelineParams,
  RetryBody,
  SkipBody,
  SkipConditionalParallelGatewayBody,
  SkipExclusiveGatewayBody,
  StartPipelineBody,
  StatesQuery,
  SubprocessBody,
} from "../schemas/pipelines";

/** bamboo-engine pipeline runs (api.md "Pipelines"). Mounted below /v1/projects, after authentication. */
export const pipelines = new Hono<AppEnv>();

const TAGS = ["pipelines"];

/** The pipeline scripts of a manifest, as a run pins them when it starts. */
function pinnedScripts(manifest: Manifest): PinnedScripts {
  const scripts: Record<string, { version: number; sha256: string }> = {};
  for (const [path, entry] of Object.entries(manifest.scripts)) if (isPipelineScript(path)) scripts[path] = entry;
  return scripts;
}

async function projectManifest(c: Context<AppEnv>, project: string): Promise<Manifest> {
  const manifest = await manifestOf(c.env, project);
  if (manifest === undefined) throw notFound(`project ${project} does not exist`);
  return manifest;
}

/** The tree as run_pipeline validates and processes it; a 400 `tree_invalid` naming the failing nodes if not. */
function validTree(tree: unknown, options: Parameters<typeof validatePipelineTree>[1]): PipelineTree {
  const validated = validatePipelineTree(tree, options);
  if (!validated.ok) throw new ApiError(400, "tree_invalid", validated.error.message, { kind: validated.error.kind, nodes: validated.error.nodes });
  return validated.tree;
}

/** An answer of a run's Durable Object as HTTP: the value, or its refusal as a 404/409 error. */
function answer<T>(c: Context<AppEnv>, result: Answer<T>, status: 200 | 201 = 200): Response {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return c.json(result.value as never, status);
}

pipelines.post(
  "/:project/pipelines",
  describeRoute({ summary: "Validate a bamboo pipeline tree as run_pipeline does, and start it", tags: TAGS }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  validator("json", StartPipelineBody, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const body = c.req.valid("json");
    const manifest = await projectManifest(c, project);
    const tree = validTree(body.pipeline, {
      cycleTolerate: body.cycle_tolerate ?? false,
      ...(body.start_node_id === undefined ? {} : { startNodeId: body.start_node_id }),
      isSink: (type) => manifest.scripts[`end-event/${type}`] !== undefined,
    });
    const missing = scriptsOfTree(tree).filter(
      (needed) => manifest.scripts[needed.path] === undefined && !(needed.path.startsWith("component/") && isBuiltinComponent(needed.path.slice("component/".length))),
    );
    if (missing.length > 0) {
      const paths = [...new Set(missing.map((m) => m.path))];
      throw new ApiError(400, "tree_invalid", `the project has no script at ${paths.join(", ")}`, { nodes: [...new Set(missing.map((m) => m.nodeId))] });
    }
    const pinned = pinnedScripts(manifest);
    const settings = {
      exclusiveGatewayStrategy: body.settings?.exclusive_gateway_strategy ?? DEFAULT_RUN_SETTINGS.exclusiveGatewayStrategy,
      rerunLimit: body.settings?.rerun_limit ?? DEFAULT_RUN_SETTINGS.rerunLimit,
    };
    const started = await pipelineRunOf(c.env, project, tree.id).start(
      { project, scripts: pinned, limits: resolveLimits(manifest.settings.limits), origin: publicOriginOf(c, manifest) },
      tree,
      {
        settings,
        ...(body.root_pipeline_data === undefined ? {} : { rootPipelineData: body.root_pipeline_data }),
        ...(body.root_pipeline_context === undefined ? {} : { rootPipelineContext: body.root_pipeline_context }),
        ...(body.subprocess_context === undefined ? {} : { subprocessContext: body.subprocess_context }),
        ...(body.start_node_id === undefined ? {} : { startNodeId: body.start_node_id }),
      },
    );
    return answer(c, started, 201);
  },
);

pipelines.post(
  "/:project/pipelines/preview-inputs",
  describeRoute({ summary: "preview_node_inputs: a node's rendered inputs from a tree, without running anything", tags: TAGS }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  validator("json", PreviewInputsBody, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const body = c.req.valid("json");
    const manifest = await projectManifest(c, project);
    const tree = validTree(body.pipeline, { cycleTolerate: true, isSink: (type) => manifest.scripts[`end-event/${type}`] !== undefined });
    const scripts = new RunScripts(registryOf(c.env, project), project, pinnedScripts(manifest), resolveLimits(manifest.settings.limits), () => `[preview ${project}]`);
    try {
      const inputs = await previewNodeInputs(tree, body.node_id, {
        scripts,
        ...(body.subprocess_stack === undefined ? {} : { subprocessStack: body.subprocess_stack }),
        ...(body.root_pipeline_data === undefined ? {} : { rootPipelineData: body.root_pipeline_data }),
        ...(body.parent_params === undefined ? {} : { parentParams: body.parent_params }),
      });
      return c.json(inputs);
    } catch (error) {
      if (error instanceof NotFound) throw notFound(error.message);
      if (error instanceof InvalidOperation || error instanceof HydrateFailed) throw new ApiError(409, "invalid_operation", error.message);
      throw error;
    }
  },
);

pipelines.get(
  "/:project/pipelines",
  describeRoute({ summary: "The project's pipeline runs, newest first", tags: TAGS }),
  validator("param", ProjectParams, rejectInvalid),
  validator(
    "query",
    v.object({ state: v.optional(v.pipe(v.string(), v.regex(/^[A-Z_]{1,32}$/))), cursor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))) }),
    rejectInvalid,
  ),
  requireProject,
  async (c) => {
    const { project } = c.req.valid("param");
    const { state, cursor } = c.req.valid("query");
    const page = await registryOf(c.env, project).listRuns(state, cursor, 100);
    return c.json({ pipelines: page.runs, next: page.next });
  },
);

pipelines.get(
  "/:project/pipelines/:id",
  describeRoute({ summary: "get_pipeline_states: the pipeline's state and its nodes' (?flat=false nests subprocesses)", tags: TAGS }),
  validator("param", PipelineParams, rejectInvalid),
  validator("query", StatesQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    return answer(c, await pipelineRunOf(c.env, project, id).states(c.req.valid("query").flat === "true"));
  },
);

pipelines.get(
  "/:project/pipelines/:id/nodes/:node",
  describeRoute({ summary: "A node's state, execution data, data, schedule and histories", tags: TAGS }),
  validator("param", NodeParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id, node } = c.req.valid("param");
    return answer(c, await pipelineRunOf(c.env, project, id).node(node));
  },
);

pipelines.get(
  "/:project/pipelines/:id/graph",
  describeRoute({ summary: "The run's nodes (subprocesses' included) and flows with their gateway conditions, to draw it", tags: TAGS }),
  validator("param", PipelineParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    return answer(c, await pipelineRunOf(c.env, project, id).graph());
  },
);

pipelines.get(
  "/:project/pipelines/:id/context",
  describeRoute({ summary: "The context values of the root pipeline or of a subprocess (?pipeline_id=)", tags: TAGS }),
  validator("param", PipelineParams, rejectInvalid),
  validator("query", ContextQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    return answer(c, await pipelineRunOf(c.env, project, id).context(c.req.valid("query").pipeline_id));
  },
);

pipelines.get(
  "/:project/pipelines/:id/events",
  describeRoute({ summary: "The run's engine event signals in order (?after=seq to page; Accept: text/event-stream streams them)", tags: TAGS }),
  validator("param", PipelineParams, rejectInvalid),
  validator("query", EventsQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, id } = c.req.valid("param");
    const { after, limit } = c.req.valid("query");
    if (wantsEventStream(c)) return eventStream((from, waitMs) => pipelineRunOf(c.env, project, id).waitEvents(from, limit, waitMs), streamStart(c, after));
    return answer(c, await pipelineRunOf(c.env, project, id).events(after, limit));
  },
);

/** One route per pipeline operation: `{pipeline_id}` acts on a subprocess. */
for (const op of ["pause", "resume", "revoke"] as const) {
  pipelines.post(
    `/:project/pipelines/:id/${op}`,
    describeRoute({ summary: `${op}_pipeline, of the run or of a subprocess`, tags: TAGS }),
    validator("param", PipelineParams, rejectInvalid),
    requireProject,
    validator("json", SubprocessBody, rejectInvalid),
    async (c) => {
      const { project, id } = c.req.valid("param");
      const body = c.req.valid("json");
      return operate(c, project, id, { op, ...(body.pipeline_id === undefined ? {} : { pipelineId: body.pipeline_id }) });
    },
  );
}

async function operate(c: Context<AppEnv>, project: string, id: string, operation: PipelineOperation): Promise<Response> {
  const result = await pipelineRunOf(c.env, project, id).operate(operation);
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return c.json({ result: true });
}

/** Node operations: the body schema and how it becomes the engine call. */
const NODE_OPERATIONS = {
  pause: { body: EmptyBody, call: (nodeId: string) => ({ op: "pause_node", nodeId }) },
  resume: { body: EmptyBody, call: (nodeId: string) => ({ op: "resume_node", nodeId }) },
  retry: {
    body: RetryBody,
    call: (nodeId: string, b: v.InferOutput<typeof RetryBody>) => ({
      op: "retry",
      nodeId,
      ...(b.data === undefined ? {} : { data: b.data }),
      ...(b.loop_retry === undefined ? {} : { loopRetry: b.loop_retry }),
    }),
  },
  skip: { body: SkipBody, call: (nodeId: string) => ({ op: "skip", nodeId }) },
  "skip-exclusive-gateway": {
    body: SkipExclusiveGatewayBody,
    call: (nodeId: string, b: v.InferOutput<typeof SkipExclusiveGatewayBody>) => ({ op: "skip_exclusive_gateway", nodeId, flowId: b.flow_id }),
  },
  "skip-conditional-parallel-gateway": {
    body: SkipConditionalParallelGatewayBody,
    call: (nodeId: string, b: v.InferOutput<typeof SkipConditionalParallelGatewayBody>) => ({
      op: "skip_conditional_parallel_gateway",
      nodeId,
      flowIds: b.flow_ids,
      convergeGatewayId: b.converge_gateway_id,
    }),
  },
  "forced-fail": {
    body: ForcedFailBody,
    call: (nodeId: string, b: v.InferOutput<typeof ForcedFailBody>) => ({ op: "forced_fail", nodeId, exData: b.ex_data ?? "forced fail by hookflow" }),
  },
  "retry-subprocess": { body: EmptyBody, call: (nodeId: string) => ({ op: "retry_subprocess", nodeId }) },
  callback: {
    body: CallbackBody,
    call: (nodeId: string, b: v.InferOutput<typeof CallbackBody>) => ({ op: "callback", nodeId, version: b.version, data: b.data ?? {} }),
  },
} as const;

for (const [name, operation] of Object.entries(NODE_OPERATIONS)) {
  pipelines.post(
    `/:project/pipelines/:id/nodes/:node/${name}`,
    describeRoute({ summary: `${name.replaceAll("-", "_")} of one node`, tags: TAGS }),
    validator("param", NodeParams, rejectInvalid),
    requireProject,
    validator("json", operation.body as v.GenericSchema, rejectInvalid),
    async (c) => {
      const { project, id, node } = c.req.valid("param");
      const call = operation.call as (nodeId: string, body: unknown) => PipelineOperation;
      return operate(c, project, id, call(node, c.req.valid("json")));
    },
  );
}

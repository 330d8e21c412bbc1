import * as v from "valibot";
import { ProjectName } from "./project-name";

/** Workflow keys and node keys: NocoBase uses short uids; any short id of these characters is accepted. */
export const WorkflowKey = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,64}$/, "keys are 1-64 letters, digits, '_', '.' or '-'"));
export const ExecutionId = v.pipe(v.string(), v.regex(/^e[0-9a-f]{32}$/, "execution ids are 'e' and 32 hex digits"));

const JsonObject = v.record(v.string(), v.unknown());

export const WorkflowNodeBody = v.strictObject({
  key: WorkflowKey,
  type: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.>-]{1,64}$/, "node types are 1-64 letters, digits, '_', '.', '-' or '>'")),
  title: v.optional(v.pipe(v.string(), v.maxLength(200))),
  config: v.optional(JsonObject),
  upstream: v.optional(v.nullable(WorkflowKey)),
  branchIndex: v.optional(v.nullable(v.pipe(v.number(), v.integer()))),
});

export const WorkflowBody = v.strictObject({
  title: v.optional(v.pipe(v.string(), v.maxLength(200))),
  enabled: v.optional(v.boolean()),
  sync: v.optional(v.boolean()),
  trigger: v.strictObject({ type: v.picklist(["manual", "webhook", "schedule"]), config: v.optional(JsonObject) }),
  options: v.optional(
    v.strictObject({
      timeout: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(365 * 86_400_000))),
      stackLimit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100))),
      deleteExecutionOnStatus: v.optional(v.array(v.pipe(v.number(), v.integer()))),
    }),
  ),
  nodes: v.pipe(v.array(WorkflowNodeBody), v.maxLength(5000)),
});
export type WorkflowBody = v.InferOutput<typeof WorkflowBody>;

export const WorkflowParams = v.object({ project: ProjectName, key: WorkflowKey });
export const ExecutionParams = v.object({ project: ProjectName, id: ExecutionId });
export const JobParams = v.object({ project: ProjectName, id: ExecutionId, jobId: v.pipe(v.string(), v.regex(/^\d{1,15}$/, "job ids are numbers"), v.transform(Number)) });

export const VersionQuery = v.object({ version: v.optional(v.pipe(v.string(), v.regex(/^\d{1,9}$/, "version is a number"), v.transform(Number))) });
/** `?node=<key>` (required) and `?version=n` of the variables route. */
export const VariablesQuery = v.object({
  node: v.pipe(v.string("node is required: the key of the node whose variables to list"), v.minLength(1)),
  version: VersionQuery.entries.version,
});
export const PageQuery = v.object({ cursor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))) });

export const ExecuteBody = v.optional(v.strictObject({ context: v.optional(v.unknown()), eventKey: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))) }), {});
export const ResumeBody = v.optional(
  v.strictObject({ status: v.optional(v.pipe(v.number(), v.integer())), result: v.optional(v.unknown()), meta: v.optional(v.unknown()) }),
  {},
);
export const RerunBody = v.optional(v.strictObject({ nodeKey: v.optional(WorkflowKey) }), {});
/** NocoBase's manual task submission. */
export const TaskSubmission = v.looseObject({ values: v.looseObject({ result: v.record(v.string(), v.unknown()) }) });

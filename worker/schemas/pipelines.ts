import * as v from "valibot";

/** Pipeline and node ids: bamboo's are a letter and 32 hex digits; any short id of these characters is accepted. */
export const ElementId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:-]{1,128}$/, "ids are 1-128 letters, digits, '_', '.', ':' or '-'"));

const JsonObject = v.record(v.string(), v.unknown());

/** The tree itself is checked by the engine's validator, which names the failing nodes. */
export const StartPipelineBody = v.strictObject({
  pipeline: v.looseObject({ id: ElementId }),
  root_pipeline_data: v.optional(JsonObject),
  root_pipeline_context: v.optional(JsonObject),
  subprocess_context: v.optional(JsonObject),
  start_node_id: v.optional(ElementId),
  cycle_tolerate: v.optional(v.boolean()),
  settings: v.optional(
    v.strictObject({
      exclusive_gateway_strategy: v.optional(v.picklist(["only", "first"])),
      rerun_limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
    }),
  ),
});
export type StartPipelineBody = v.InferOutput<typeof StartPipelineBody>;

export const PreviewInputsBody = v.strictObject({
  pipeline: v.looseObject({ id: ElementId }),
  node_id: ElementId,
  subprocess_stack: v.optional(v.array(ElementId)),
  root_pipeline_data: v.optional(JsonObject),
  parent_params: v.optional(JsonObject),
});

export const PipelineParams = v.object({ project: v.string(), id: ElementId });
export const NodeParams = v.object({ project: v.string(), id: ElementId, node: ElementId });

export const SubprocessBody = v.optional(v.strictObject({ pipeline_id: v.optional(ElementId) }), {});
export const RetryBody = v.optional(v.strictObject({ data: v.optional(JsonObject), loop_retry: v.optional(v.boolean()) }), {});
export const SkipBody = v.optional(v.strictObject({ loop_skip: v.optional(v.boolean()) }), {});
export const SkipExclusiveGatewayBody = v.strictObject({ flow_id: ElementId });
export const SkipConditionalParallelGatewayBody = v.strictObject({ flow_ids: v.pipe(v.array(ElementId), v.minLength(1)), converge_gateway_id: ElementId });
export const ForcedFailBody = v.optional(v.strictObject({ ex_data: v.optional(v.string()) }), {});
export const CallbackBody = v.strictObject({ version: v.pipe(v.string(), v.minLength(1)), data: v.optional(v.unknown()) });
export const EmptyBody = v.optional(v.strictObject({}), {});

export const StatesQuery = v.object({ flat: v.optional(v.picklist(["true", "false"]), "true") });
export const ContextQuery = v.object({ pipeline_id: v.optional(ElementId) });
export const EventsQuery = v.object({
  after: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, "after is a sequence number"), v.transform(Number)), "0"),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)), "500"),
});

/**
 * The JSON shape of a pipeline tree (bamboo-engine.md §1): what must hold before any graph rule can be read.
 * Upstream bamboo has no such step; a malformed tree makes it raise KeyError or TypeError somewhere inside
 * `run_pipeline`. Here every such tree is refused up front with `kind: "shape"` and the ids at fault.
 */

import type { PipelineTree } from "../tree";
import { invalidFrom, type Problem, type TreeInvalid } from "./errors";

const ACTIVITY_TYPES: ReadonlySet<string> = new Set(["ServiceActivity", "SubProcess"]);
const BRANCHING_GATEWAY_TYPES: ReadonlySet<string> = new Set(["ExclusiveGateway", "ParallelGateway", "ConditionalParallelGateway"]);
const CONDITIONAL_GATEWAY_TYPES: ReadonlySet<string> = new Set(["ExclusiveGateway", "ConditionalParallelGateway"]);
const GATEWAY_TYPES: ReadonlySet<string> = new Set([...BRANCHING_GATEWAY_TYPES, "ConvergeGateway"]);
/** Types that name some other kind of element, so they can never be an end event's type. */
const NON_END_TYPES: ReadonlySet<string> = new Set(["EmptyStartEvent", ...ACTIVITY_TYPES, ...GATEWAY_TYPES]);

export type ShapeResult = { ok: true; tree: PipelineTree } | { ok: false; error: TreeInvalid };

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** The flow ids of an `incoming`/`outgoing` value, or null when it is neither a string, a list of strings nor empty. */
function flowIdsOf(value: unknown): string[] | null {
  if (value === undefined || value === null || value === "") return [];
  if (typeof value === "string") return [value];
  return isStringList(value) ? value : null;
}

/**
 * Checks the shape of a whole tree, subprocess trees included. `isSink` says whether a non-`EmptyEndEvent`
 * end-event type is a registered ExecutableEndEvent.
 */
export function checkShape(tree: unknown, isSink: (endEventType: string) => boolean): ShapeResult {
  const checker = new ShapeChecker(isSink);
  checker.checkPipeline(tree, undefined);
  const error = invalidFrom("shape", checker.problems);
  return error === null ? { ok: true, tree: tree as PipelineTree } : { ok: false, error };
}

class ShapeChecker {
  readonly problems: Problem[] = [];
  /** Node ids seen so far, on every level: the runtime keys state rows by node id across a whole run (§0). */
  private readonly seenIds = new Set<string>();
  /** Pipeline objects entered, so that a tree nested inside itself is refused instead of looping. */
  private readonly enteredPipelines = new Set<object>();

  constructor(private readonly isSink: (endEventType: string) => boolean) {}

  private report(node: string | undefined, message: string): void {
    this.problems.push(node === undefined ? { message } : { node, message });
  }

  /** `owner` is the SubProcess id for a child tree, undefined for the root. */
  checkPipeline(value: unknown, owner: string | undefined): void {
    const where = owner === undefined ? "pipeline" : `pipeline of ${owner}`;
    if (!isRecord(value)) return this.report(owner, `${where}: the pipeline tree is not an object`);
    if (this.enteredPipelines.has(value)) return this.report(owner, `${where}: the pipeline tree contains itself`);
    this.enteredPipelines.add(value);

    const id = value["id"];
    if (!isNonEmptyString(id)) this.report(owner, `${where}: pipeline "id" must be a non-empty string`);
    const node = isNonEmptyString(id) ? id : owner;
    const name = node ?? where;
    const isRoot = owner === undefined;
    // The root's state row uses the pipeline id as its node id, so no node may take it (§0).
    if (isRoot && isNonEmptyString(id)) this.seenIds.add(id);

    const missing = ["start_event", "end_event", "activities", "gateways", "flows"].filter((key) => !isRecord(value[key]));
    if (missing.length > 0) {
      return this.report(node, `${name}: ${missing.map((key) => `"${key}"`).join(", ")} must be object${missing.length > 1 ? "s" : ""}`);
    }
    if (value["data"] !== undefined && value["data"] !== null && !isRecord(value["data"])) {
      this.report(node, `${name}: "data" must be an object`);
    }
    const flows = value["flows"] as Json;
    this.checkFlows(flows);
    this.checkStartEvent(value["start_event"], node);
    this.checkEndEvent(value["end_event"], node);
    this.checkKeyedElements(value["activities"] as Json, "activities");
    this.checkKeyedElements(value["gateways"] as Json, "gateways");
  }

  private checkFlows(flows: Json): void {
    for (const [key, flow] of Object.entries(flows)) {
      if (!isRecord(flow)) {
        this.report(key, `flow ${key} is not an object`);
        continue;
      }
      if (flow["id"] !== key) this.report(key, `flow ${key}: "id" must equal its key`);
      if (!isNonEmptyString(flow["source"])) this.report(key, `flow ${key}: "source" must be a node id`);
      if (!isNonEmptyString(flow["target"])) this.report(key, `flow ${key}: "target" must be a node id`);
    }
  }

  /**
   * Checks what every element has (`id`, `type`, `incoming`) and returns its id, or null when it has none.
   * `key` names an element without an id: its key in `activities`/`gateways`, or its pipeline's id.
   */
  private checkElementBasics(element: unknown, label: string, key?: string): string | null {
    if (!isRecord(element)) {
      this.report(key, `${label} is not an object`);
      return null;
    }
    const id = element["id"];
    if (!isNonEmptyString(id)) {
      this.report(key, `${label}: "id" must be a non-empty string`);
      return null;
    }
    if (this.seenIds.has(id)) this.report(id, `duplicate node id ${id}: ids must be unique across the whole tree`);
    this.seenIds.add(id);
    if (typeof element["type"] !== "string") this.report(id, `${id}: "type" must be a string`);
    if (flowIdsOf(element["incoming"]) === null) this.report(id, `${id}: "incoming" must be a flow id or a list of them`);
    return id;
  }

  /** `pipelineNode` names the pipeline, for a start event without an id. */
  private checkStartEvent(start: unknown, pipelineNode: string | undefined): void {
    const id = this.checkElementBasics(start, "start_event", pipelineNode);
    if (id === null || !isRecord(start)) return;
    if (start["type"] !== "EmptyStartEvent") this.report(id, `${id}: the start event's type must be EmptyStartEvent`);
    this.checkSingleOutgoing(start, id);
  }

  private checkEndEvent(end: unknown, pipelineNode: string | undefined): void {
    const id = this.checkElementBasics(end, "end_event", pipelineNode);
    if (id === null || !isRecord(end)) return;
    const type = end["type"];
    if (typeof type === "string" && !this.isEndEventType(type)) {
      this.report(id, `${id}: "${type}" is not EmptyEndEvent nor a registered ExecutableEndEvent type`);
    }
    if (flowIdsOf(end["outgoing"]) === null) this.report(id, `${id}: "outgoing" must be empty`);
  }

  private isEndEventType(type: string): boolean {
    if (type === "EmptyEndEvent") return true;
    if (NON_END_TYPES.has(type)) return false;
    return this.isSink(type);
  }

  private checkKeyedElements(elements: Json, collection: "activities" | "gateways"): void {
    for (const [key, element] of Object.entries(elements)) {
      const id = this.checkElementBasics(element, `${collection}.${key}`, key);
      if (id === null || !isRecord(element)) continue;
      if (id !== key) this.report(id, `${collection}.${key}: the key must equal the element's id ${id}`);
      const type = element["type"];
      if (typeof type !== "string") continue;
      if (collection === "activities") this.checkActivity(element, id, type);
      else this.checkGateway(element, id, type);
    }
  }

  private checkActivity(activity: Json, id: string, type: string): void {
    if (!ACTIVITY_TYPES.has(type)) return this.report(id, `${id}: unknown activity type "${type}"`);
    this.checkSingleOutgoing(activity, id);
    if (type === "ServiceActivity") {
      const component = activity["component"];
      if (!isRecord(component) || !isNonEmptyString(component["code"])) {
        this.report(id, `${id}: a ServiceActivity needs "component.code"`);
      } else if (component["inputs"] !== undefined && component["inputs"] !== null && !isRecord(component["inputs"])) {
        this.report(id, `${id}: "component.inputs" must be an object`);
      }
      return;
    }
    if (activity["params"] !== undefined && activity["params"] !== null && !isRecord(activity["params"])) {
      this.report(id, `${id}: "params" must be an object`);
    }
    if (!isRecord(activity["pipeline"])) return this.report(id, `${id}: a SubProcess needs a "pipeline" object`);
    this.checkPipeline(activity["pipeline"], id);
  }

  private checkGateway(gateway: Json, id: string, type: string): void {
    if (!GATEWAY_TYPES.has(type)) return this.report(id, `${id}: unknown gateway type "${type}"`);
    if (!BRANCHING_GATEWAY_TYPES.has(type)) return this.checkSingleOutgoing(gateway, id);
    const outgoing = gateway["outgoing"];
    // A branching gateway with no way out fails at run time (a parallel one crashes bamboo's validator).
    if (!isStringList(outgoing) || outgoing.length === 0) {
      return this.report(id, `${id}: "outgoing" must be a non-empty list of flow ids`);
    }
    if (CONDITIONAL_GATEWAY_TYPES.has(type)) this.checkConditions(gateway, id, new Set(outgoing));
  }

  /**
   * Start events, activities and converge gateways leave by one flow id (§1.1). A list of several is let through
   * for the connection rules to refuse by out-degree, as upstream does; none at all would crash upstream later.
   */
  private checkSingleOutgoing(element: Json, id: string): void {
    const outgoing = element["outgoing"];
    if (isNonEmptyString(outgoing) || (isStringList(outgoing) && outgoing.length > 1)) return;
    this.report(id, `${id}: "outgoing" must be one flow id`);
  }

  private checkConditions(gateway: Json, id: string, outgoing: ReadonlySet<string>): void {
    const conditions = gateway["conditions"];
    if (!isRecord(conditions)) {
      this.report(id, `${id}: a conditional gateway needs a "conditions" object`);
    } else {
      for (const [flowId, condition] of Object.entries(conditions)) {
        if (!outgoing.has(flowId)) this.report(id, `${id}: condition key ${flowId} is not an outgoing flow`);
        if (!isRecord(condition) || typeof condition["evaluate"] !== "string") {
          this.report(id, `${id}: condition ${flowId} needs an "evaluate" string`);
        }
      }
    }
    this.checkDefaultCondition(gateway["default_condition"], id, outgoing);
  }

  /** `null`, absent or `{}` mean no default branch; anything else must name an outgoing flow. */
  private checkDefaultCondition(value: unknown, id: string, outgoing: ReadonlySet<string>): void {
    if (value === undefined || value === null) return;
    if (!isRecord(value)) return this.report(id, `${id}: "default_condition" must be an object`);
    const flowId = value["flow_id"];
    if (flowId === undefined && Object.keys(value).length === 0) return;
    if (typeof flowId !== "string" || !outgoing.has(flowId)) {
      this.report(id, `${id}: "default_condition.flow_id" must be one of the gateway's outgoing flows`);
    }
  }
}

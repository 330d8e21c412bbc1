import { search } from "jmespath";
import jsonata from "jsonata";
import { JSONPath } from "jsonpath-plus";
import type { Instruction } from "../instruction";
import { JOB_STATUS } from "../statuses";
import { pathSegments } from "../variables";

/**
 * JSONata runs in the host with no loop but recursion, and tail calls are optimised, so a recursive function can
 * run forever. Its own `timeout` reads the clock, which stands still during CPU work on deployed Workers, so the
 * budget is counted in evaluation steps instead (~1-2 s of CPU), besides its stack and sequence bounds.
 */
const JSONATA_LIMITS = { steps: 1_000_000, stack: 1_000, sequence: 1_000_000 } as const;

/** JSONata calls a function bound to this symbol before each evaluation step. */
const JSONATA_STEP_HOOK = Symbol.for("jsonata.__evaluate_entry");

async function queryJsonata(expression: string, data: unknown): Promise<unknown> {
  const query = jsonata(expression, { stack: JSONATA_LIMITS.stack, sequence: JSONATA_LIMITS.sequence });
  let steps = 0;
  // `assign` binds any key; its typings only name strings.
  query.assign(JSONATA_STEP_HOOK as unknown as string, () => {
    if (++steps > JSONATA_LIMITS.steps) throw new Error(`the JSONata expression took more than ${JSONATA_LIMITS.steps} evaluation steps`);
  });
  return query.evaluate(data);
}

/** The query engines of §3.10, by the names configs use. */
const ENGINES: Readonly<Record<string, (expression: string, data: unknown) => unknown>> = {
  jmespath: (expression, data) => search(data as Parameters<typeof search>[0], expression),
  // JSONPath-Plus's own evaluator for filter scripts: never `eval` or `Function`.
  jsonpathplus: (expression, data) => JSONPath({ path: expression, json: data as object, eval: "safe" }),
  jsonata: queryJsonata,
};

interface ModelColumn {
  readonly path: string;
  readonly alias?: string;
}

/** lodash `get`: the value at a dot path (`a.b.0`), undefined where the path leads nowhere. */
function valueAt(item: unknown, path: string): unknown {
  let value = item;
  for (const segment of pathSegments(path)) {
    if (value == null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Each item (or the single object) as `{[alias || path with '.' → '_']: value at path}`; other results as they are. */
function mapToModel(result: unknown, model: readonly ModelColumn[]): unknown {
  if (model.length === 0 || result === null || typeof result !== "object") return result;
  const pick = (item: unknown) => Object.fromEntries(model.map(({ path, alias }) => [alias || path.replace(/\./g, "_"), valueAt(item, path)]));
  return Array.isArray(result) ? result.map(pick) : pick(result);
}

/** What the job's log says of a failed query: the error's text, with JSONata's code and position. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) return String(error);
  const { code, message, position } = (error ?? {}) as { code?: unknown; message?: unknown; position?: unknown };
  if (message === undefined) return String(error);
  return `${code === undefined ? "" : `${String(code)}: `}${String(message)}${position === undefined ? "" : ` (at ${String(position)})`}`;
}

/**
 * `json-query` (§3.10): queries the resolved `source` with the resolved `expression` in `engine` (jmespath by
 * default, jsonpathplus or jsonata; an engine NocoBase does not know answers the source), then maps the result to
 * `model`. A throw gives `{status: ERROR, result: null}` with the error in the job's log.
 */
export const jsonQuery: Instruction = {
  async run(node, _input, processor) {
    const { engine = "jmespath", model = [] } = node.config;
    try {
      const source = processor.getParsedValue(node.config.source, node.id);
      const expression = processor.getParsedValue(node.config.expression, node.id);
      const query = Object.hasOwn(ENGINES, engine) ? ENGINES[engine] : undefined;
      const result = query === undefined ? source : await query(String(expression ?? ""), source);
      return { status: JOB_STATUS.RESOLVED, result: mapToModel(result, model) };
    } catch (error) {
      return { status: JOB_STATUS.ERROR, result: null, log: describeFailure(error) };
    }
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    const { engine, expression, model } = config;
    if (engine !== undefined && !(typeof engine === "string" && Object.hasOwn(ENGINES, engine))) errors.engine = `"engine" must be one of [${Object.keys(ENGINES).join(", ")}]`;
    if (expression !== undefined && typeof expression !== "string") errors.expression = '"expression" must be a string';
    const column = (c: unknown) => c !== null && typeof c === "object" && typeof (c as ModelColumn).path === "string";
    if (model !== undefined && !(Array.isArray(model) && model.every(column))) errors.model = '"model" must be an array of {path, alias?, label?}';
    return Object.keys(errors).length ? errors : null;
  },
};

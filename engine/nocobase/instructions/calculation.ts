import { EXPRESSION_ENGINES, evaluate, isExpressionEngine } from "../evaluators";
import type { Instruction } from "../instruction";
import { JOB_STATUS } from "../statuses";

/**
 * `calculation` (§3.8): evaluates `expression` with `engine` (math.js by default, formula.js or string) in the
 * node's scope. An empty expression, or an engine NocoBase does not know, gives null; a throw gives an ERROR job
 * whose result is the error's text ("SyntaxError: …").
 */
export const calculation: Instruction = {
  async run(node, _input, processor) {
    const { engine = "math.js", expression } = node.config;
    if (typeof expression !== "string" || expression.trim() === "" || !isExpressionEngine(engine)) return { status: JOB_STATUS.RESOLVED, result: null };
    try {
      return { status: JOB_STATUS.RESOLVED, result: await evaluate(engine, expression, processor.getScope(node.id), processor.rt) };
    } catch (error) {
      return { status: JOB_STATUS.ERROR, result: String(error) };
    }
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    if (config.engine !== undefined && !isExpressionEngine(config.engine)) errors.engine = `"engine" must be one of [${EXPRESSION_ENGINES.join(", ")}]`;
    if (config.expression !== undefined && typeof config.expression !== "string") errors.expression = '"expression" must be a string';
    return Object.keys(errors).length ? errors : null;
  },
};

// @ts-check
// A plain node: resolves its `value` (a template) and answers it in upper case. No suspension, no branches:
// `run` returns a job and the chain goes on with it.
//
//   {"key": "shout", "type": "uppercase", "config": {"value": "{{$context.name}}"}}
//   → job {status: 1, result: "ADA"}; later nodes read it as {{$jobsMapByNodeKey.shout}}.
//
// NocoBase: a class with `run(node, input, processor)` registered with plugin.registerInstruction("uppercase", …).

/** @typedef {{ value?: unknown, trim?: boolean }} Config */

/** @type {import("hookflow/nocobase").Instruction<Config, string>} */
export default {
  async run(node, input, processor) {
    // Templates in the config are not resolved for you: ask the processor (it crosses into the host: await it).
    const value = await processor.getParsedValue(node.config.value);
    if (value === null || value === undefined) {
      // A business failure: the execution ends FAILED (on the main chain).
      return { status: JOB_STATUS.FAILED, result: `nothing to upper-case in ${JSON.stringify(node.config.value)}` };
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return { status: JOB_STATUS.RESOLVED, result: (node.config.trim ? text.trim() : text).toUpperCase() };
  },

  // Called when a workflow using this type is saved: a refusal answers 400 naming the node.
  validateConfig(config) {
    if (!("value" in config)) return { value: '"value" is required' };
    if (config.trim !== undefined && typeof config.trim !== "boolean") return { trim: '"trim" must be a boolean' };
    return null;
  },
};

import { EXECUTION_STATUS, JOB_STATUS } from "./statuses";

/**
 * The calling convention of `instruction/{type}` scripts, run inside the sandbox as a decorator (see
 * SandboxOptions.decorators). The host calls the export `default.run` with:
 *
 *   [callJson, nodeOrConfig?, jobOrInput?]
 *
 * `callJson` is `{"mode": "describe"}` → InstructionShape (the `async` flag and which methods exist), or
 * `{"mode": "call", method, execution}` → `{value}` (what the method returned), `{undefined: true}`, `{threw}` (the
 * error's name, message and own properties) or `{missing: true}` (no such method). `validateConfig` gets the config
 * as its one argument, `useVariables` and `useScopeVariables` the node and an options object (they answer the
 * node's VariableOption, as NocoBase's client hooks do); `run`, `resume` and `getScope` get the node, the job and the `processor` capability object,
 * whose methods cross into the host with `host("call", name, argsJson)` and answer JSON.
 *
 * It also defines the globals `JOB_STATUS` and `EXECUTION_STATUS`; a decorator is evaluated before the first module
 * of its runtime loads, so a module may read them at its top level.
 */
export const NOCOBASE_INSTRUCTION_DECORATOR = "nocobase-instruction";

export const NOCOBASE_INSTRUCTION_SOURCE = /* js */ `
(function () {
  "use strict";
  Object.defineProperty(globalThis, "JOB_STATUS", { value: Object.freeze(${JSON.stringify(JOB_STATUS)}) });
  Object.defineProperty(globalThis, "EXECUTION_STATUS", { value: Object.freeze(${JSON.stringify(EXECUTION_STATUS)}) });
  const METHODS = ["run", "resume", "getScope", "validateConfig", "useVariables", "useScopeVariables"];
  // Called on a save or a variables query, with no execution: no processor.
  const STATIC_METHODS = ["validateConfig", "useVariables", "useScopeVariables"];
  const describeError = (error) => {
    if (error === null || typeof error !== "object") return { message: String(error) };
    const own = {};
    for (const key of Object.keys(error)) {
      try { own[key] = JSON.parse(JSON.stringify(error[key])); } catch { /* a property JSON cannot carry */ }
    }
    return Object.assign(own, { name: String(error.name || "Error"), message: String(error.message) });
  };
  return function (args, host) {
    const request = JSON.parse(args[0]);
    return function (_run, instruction) {
      if (request.mode === "describe") {
        return { async: instruction.async === true, methods: METHODS.filter((m) => typeof instruction[m] === "function") };
      }
      const method = instruction[request.method];
      if (typeof method !== "function") return { missing: true };
      const call = (name) => async (...values) => {
        const text = await host("call", name, JSON.stringify(values));
        return text === undefined ? undefined : JSON.parse(text);
      };
      const idOf = (value) => (value !== null && typeof value === "object" ? value.id : value);
      const run = call("run");
      const getBranches = call("getBranches");
      const resumeUrl = call("resumeUrl");
      const findBranchStartNode = call("findBranchStartNode");
      const findBranchParentJob = call("findBranchParentJob");
      const processor = Object.freeze({
        execution: Object.freeze(request.execution),
        getParsedValue: call("getParsedValue"),
        getScope: call("getScope"),
        saveJob: call("saveJob"),
        exit: call("exit"),
        getBranches: (node) => getBranches(idOf(node)),
        run: (node, input) => run(idOf(node), input === undefined || input === null ? null : input.id !== undefined ? { id: input.id } : { result: input.result }),
        resumeUrl: (job) => resumeUrl(idOf(job)),
        findBranchStartNode: (node, parent) => findBranchStartNode(idOf(node), parent === undefined ? null : idOf(parent)),
        findBranchParentJob: (job, node) => findBranchParentJob(idOf(node)),
      });
      const settle = (value) => (value === undefined ? { undefined: true } : { value });
      const fail = (error) => ({ threw: describeError(error) });
      try {
        const returned = STATIC_METHODS.includes(request.method) ? method.call(instruction, args[1], args[2]) : method.call(instruction, args[1], args[2], processor);
        if (returned !== null && typeof returned === "object" && typeof returned.then === "function") return Promise.resolve(returned).then(settle, fail);
        return settle(returned);
      } catch (error) {
        return fail(error);
      }
    };
  };
})()
`;

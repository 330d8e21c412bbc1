/**
 * The calling convention of `component/{code}` scripts, run inside the sandbox as a decorator (see
 * SandboxOptions.decorators). The host calls the export `default.execute` with one read-only argument:
 *
 *   { mode: "describe" }                    → the component's flags (ServiceInfo)
 *   { mode: "call", method, inputs, outputsJson, parentInputs, callbackData?, self }
 *                                           → ServiceResult: what `method` returned or threw, `data.outputs` after
 *                                             it, and whether it called `this.finishSchedule()`
 *
 * The method runs with `this` = the Service object of api.md (id, version, …, finishSchedule, log) and
 * `(data, parentData[, callbackData])`. `data.inputs` and `parentData.inputs` are read-only views; `data.outputs`
 * is a plain object the method changes in place. Exceptions are caught here so that outputs set before a throw
 * are kept, as bamboo keeps them.
 */
export const BAMBOO_SERVICE_DECORATOR = "bamboo-service";

export const BAMBOO_SERVICE_SOURCE = /* js */ `
(function () {
  "use strict";
  const log = Object.freeze({
    debug: (...a) => console.debug(...a),
    info: (...a) => console.info(...a),
    warning: (...a) => console.warn(...a),
    warn: (...a) => console.warn(...a),
    error: (...a) => console.error(...a),
  });
  const describe = (service) => {
    const interval = service.interval;
    return {
      needSchedule: service.needSchedule === true,
      interval: interval === "square" ? "square" : typeof interval === "number" && interval >= 0 ? interval : null,
      multiCallback: service.multiCallback === true,
      needRunHook: service.needRunHook === true,
    };
  };
  const dataOf = (inputs, outputs) => {
    const data = {
      inputs,
      outputs,
      get_one_of_inputs: (key, fallback) => (key in inputs ? inputs[key] : fallback === undefined ? null : fallback),
      get_one_of_outputs: (key, fallback) => (key in data.outputs ? data.outputs[key] : fallback === undefined ? null : fallback),
      set_outputs: (key, value) => { data.outputs[key] = value; return true; },
      update_outputs: (values) => { Object.assign(data.outputs, values); return true; },
      reset_outputs: (values) => { data.outputs = Object.assign({}, values || {}); return true; },
    };
    return data;
  };
  const describeError = (error) => {
    if (error !== null && typeof error === "object" && "message" in error) {
      const head = (error.name ? error.name + ": " : "") + error.message;
      return error.stack ? head + "\\n" + error.stack : head;
    }
    return String(error);
  };
  return function (args, host, raw) {
    const request = raw(args[0]);
    return function (fn, service) {
      if (request.mode === "describe") return describe(service);
      const method = service[request.method];
      if (typeof method !== "function") return { returned: null, outputs: JSON.parse(request.outputsJson), scheduleFinished: false, missing: true };
      let finished = false;
      const self = raw(request.self);
      const thisArg = Object.freeze(Object.assign({}, self, {
        log,
        finishSchedule() { finished = true; },
        isScheduleFinished() { return finished; },
      }));
      const data = dataOf(request.inputs, JSON.parse(request.outputsJson));
      const parentData = Object.freeze({ inputs: request.parentInputs, outputs: Object.freeze({}) });
      const settle = (returned, threw) => {
        const result = { returned: returned === undefined ? null : returned, outputs: data.outputs, scheduleFinished: finished };
        if (threw !== undefined) result.threw = threw;
        return result;
      };
      try {
        const returned = "callbackData" in request
          ? method.call(thisArg, data, parentData, request.callbackData)
          : method.call(thisArg, data, parentData);
        if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
          return Promise.resolve(returned).then((value) => settle(value), (error) => settle(undefined, describeError(error)));
        }
        return settle(returned);
      } catch (error) {
        return settle(undefined, describeError(error));
      }
    };
  };
})()
`;

/**
 * The calling convention of `component/{code}` scripts, run inside the sandbox as a decorator (see
 * SandboxOptions.decorators). The host calls the export `default.execute` with:
 *
 *   [callJson, inputs?, parentInputs?, callbackData?]
 *
 * `callJson` is `{"mode": "describe"}` → the component's flags (ServiceInfo), or
 * `{"mode": "call", method, self, outputs, withCallbackData}` → ServiceResult: what `method` returned or threw,
 * `data.outputs` after it, and whether it called `this.finishSchedule()`. The small fixed part travels as one JSON
 * string (parsing it is cheaper than reading it through argument views); the inputs and callback data stay
 * read-only views, so a big input costs nothing until the script reads it.
 *
 * The method runs with `this` = the Service object of api.md (id, version, …, finishSchedule, waitForEvent, log) and
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
  // bamboo's Data helpers, on a prototype so a call allocates one object, not one closure per helper.
  class Data {
    constructor(inputs, outputs) {
      this.inputs = inputs;
      this.outputs = outputs;
    }
    get_one_of_inputs(key, fallback) { return key in this.inputs ? this.inputs[key] : fallback === undefined ? null : fallback; }
    get_one_of_outputs(key, fallback) { return key in this.outputs ? this.outputs[key] : fallback === undefined ? null : fallback; }
    set_outputs(key, value) { this.outputs[key] = value; return true; }
    update_outputs(values) { Object.assign(this.outputs, values); return true; }
    reset_outputs(values) { this.outputs = Object.assign({}, values || {}); return true; }
  }
  const describeError = (error) => {
    if (error !== null && typeof error === "object" && "message" in error) {
      const head = (error.name ? error.name + ": " : "") + error.message;
      return error.stack ? head + "\\n" + error.stack : head;
    }
    return String(error);
  };
  return function (args) {
    const request = JSON.parse(args[0]);
    return function (fn, service) {
      if (request.mode === "describe") return describe(service);
      const method = service[request.method];
      if (typeof method !== "function") return { returned: null, outputs: request.outputs, scheduleFinished: false, missing: true };
      let finished = false;
      let eventWait;
      const self = request.self;
      self.log = log;
      self.finishSchedule = () => { finished = true; };
      self.isScheduleFinished = () => finished;
      self.waitForEvent = (name, correlationKey) => {
        if (typeof name !== "string" || name === "" || typeof correlationKey !== "string" || correlationKey === "") {
          throw new TypeError("waitForEvent(name, correlationKey) takes two non-empty strings");
        }
        eventWait = { name, correlationKey };
      };
      Object.freeze(self);
      const data = new Data(args[1], request.outputs);
      const parentData = Object.freeze({ inputs: args[2], outputs: Object.freeze({}) });
      const settle = (returned, threw) => {
        const result = { returned: returned === undefined ? null : returned, outputs: data.outputs, scheduleFinished: finished };
        if (threw !== undefined) result.threw = threw;
        if (eventWait !== undefined) result.waitForEvent = eventWait;
        return result;
      };
      try {
        const returned = request.withCallbackData ? method.call(self, data, parentData, args[3]) : method.call(self, data, parentData);
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

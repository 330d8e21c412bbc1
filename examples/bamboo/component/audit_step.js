// @ts-check
// needRunHook: the lifecycle hook methods are called around execute (and schedule). Each hook here appends
// its name to outputs.trail; node_finish stamps the end. Python: __need_run_hook__ = True and methods named
// node_enter, pre_execute, ... on the Service.

/**
 * @typedef {{ message?: string, fail?: boolean }} Inputs
 * @typedef {{ trail: string[], message: string, finished_at: string }} Outputs
 * @typedef {import("hookflow/bamboo").Data<Inputs, Outputs>} StepData
 */

/** @param {StepData} data @param {string} name */
function mark(data, name) {
  data.outputs.trail = [...(data.outputs.trail ?? []), name];
}

/** @type {import("hookflow/bamboo").Service<Inputs, Outputs>} */
export default {
  needRunHook: true,

  node_enter(data) {
    mark(data, "node_enter");
  },
  pre_execute(data) {
    mark(data, "pre_execute");
  },
  execute(data) {
    mark(data, "execute");
    data.outputs.message = data.inputs.message ?? "";
    return data.inputs.fail !== true;
  },
  post_execute(data) {
    mark(data, "post_execute");
  },
  node_execute_fail(data) {
    mark(data, "node_execute_fail"); // saved: the node is about to become FAILED
  },
  node_finish(data) {
    mark(data, "node_finish");
    data.outputs.finished_at = new Date().toISOString(); // saved too
  },
  pre_retry_node(data) {
    // Operator-call hooks see the stored data; what they change is not saved.
    this.log.info(`retrying ${this.id}; trail so far: ${(data.outputs.trail ?? []).join(" > ")}`);
  },
};

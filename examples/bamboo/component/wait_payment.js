// @ts-check
// CALLBACK: after execute the node waits (RUNNING) for one callback:
//   POST /v1/projects/{p}/pipelines/{id}/nodes/{node}/callback {"version": "<the node's version>", "data": {...}}
// schedule then runs once with the callback's data; the node finishes if it returns anything but false.
// Python: __need_schedule__ = True, interval = None.

/**
 * @typedef {{ amount: number }} Inputs
 * @typedef {{ amount: number, paid_at: string | null, payment_ref: string }} Outputs
 * @typedef {{ status: "paid" | "declined", paid_at?: string }} Callback
 */

/** @type {import("hookflow/bamboo").Service<Inputs, Outputs, {}, Callback>} */
export default {
  needSchedule: true,

  execute(data) {
    data.outputs.amount = data.inputs.amount;
    // Hand this to whoever will call back: the node id and version identify the wait.
    data.outputs.payment_ref = `${this.id}:${this.version}`;
    this.log.info(`waiting for payment of ${data.inputs.amount}`, this.callbackUrl ?? "(call back with the version)");
    return true;
  },

  schedule(data, parentData, callbackData) {
    if (callbackData === null || callbackData.status !== "paid") {
      data.outputs.ex_data = `payment not completed: ${callbackData?.status ?? "no data"}`;
      return false; // FAILED: retry the node to wait again, with a new version
    }
    data.outputs.paid_at = callbackData.paid_at ?? new Date().toISOString();
    return true; // no finishSchedule() needed: one callback finishes a CALLBACK node
  },
};

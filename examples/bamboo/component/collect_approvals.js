// @ts-check
// MULTIPLE_CALLBACK: the node takes callbacks (same version each time) until schedule calls
// this.finishSchedule(). Python: __need_schedule__ = True, interval = None, __multi_callback_enabled__ = True.

/**
 * @typedef {{ needed?: number }} Inputs
 * @typedef {{ approvers: string[] }} Outputs
 * @typedef {{ approver: string, approve?: boolean }} Callback
 */

/** @type {import("hookflow/bamboo").Service<Inputs, Outputs, {}, Callback>} */
export default {
  needSchedule: true,
  multiCallback: true,

  execute(data) {
    data.outputs.approvers = [];
    return true;
  },

  async schedule(data, parentData, callbackData) {
    if (callbackData === null || typeof callbackData.approver !== "string") {
      throw new TypeError("a callback needs {approver: string, approve?: boolean}");
    }
    if (callbackData.approve === false) {
      data.outputs.ex_data = `rejected by ${callbackData.approver}`;
      return false;
    }
    const approvers = [...(data.outputs.approvers ?? [])];
    if (!approvers.includes(callbackData.approver)) approvers.push(callbackData.approver);
    data.outputs.approvers = approvers;
    if (approvers.length >= Number(data.inputs.needed ?? 2)) this.finishSchedule();
    return true; // not finished yet: wait for the next callback
  },
};

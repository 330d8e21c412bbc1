// @ts-check
// POLL: after execute, schedule is called at once and then every `interval` seconds until it calls
// this.finishSchedule() (or fails). Python: __need_schedule__ = True, interval = StaticIntervalGenerator(1).

/**
 * @typedef {{ seconds?: number }} Inputs
 * @typedef {{ until: number, polls: number, waited: number }} Outputs
 */

/** @type {import("hookflow/bamboo").Service<Inputs, Outputs>} */
export default {
  needSchedule: true,
  interval: 1, // seconds between polls; "square" for 1, 4, 9, … s

  execute(data) {
    const seconds = Number(data.inputs.seconds ?? 3);
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`seconds must be a number >= 0, got ${data.inputs.seconds}`);
    // this is a fresh object for every call: keep what later calls need in data.outputs.
    data.outputs.until = Date.now() + seconds * 1000;
    data.outputs.polls = 0;
    return true;
  },

  schedule(data, parentData, callbackData) {
    // callbackData is null for a poll.
    const until = data.outputs.until ?? 0;
    data.outputs.polls = (data.outputs.polls ?? 0) + 1;
    if (Date.now() >= until) {
      data.outputs.waited = data.outputs.polls;
      this.finishSchedule(); // done: the node FINISHES after this call
    }
    return true; // not finished: poll again in `interval` seconds
  },
};

// @ts-check
// An ExecutableEndEvent: a tree uses it as "end_event": {"type": "order_done", ...}. It runs before the
// pipeline ends; a throw makes the end event FAILED and the pipeline stays RUNNING.

/** @type {import("hookflow/bamboo").ExecutableEndEvent} */
export default {
  execute(pipelineStack, rootPipelineId) {
    console.info(`order pipeline ${rootPipelineId} ends (${pipelineStack.join(" > ")})`);
  },
};

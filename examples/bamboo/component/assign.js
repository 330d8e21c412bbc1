// @ts-check
// No schedule: copies every rendered input to the outputs (like bamboo's test `debug_node`, without the poll).
// Use it to compute values with templates and hand them on through `data.inputs` node outputs.

/** @type {import("hookflow/bamboo").Service} */
export default {
  execute(data) {
    for (const [key, value] of Object.entries(data.inputs)) {
      if (!key.startsWith("_")) data.outputs[key] = value;
    }
    // No return value: success.
  },
};

// @ts-check
// No schedule: execute runs once, and its return value decides FINISHED or FAILED.
// Python original (docs/pipelines.md):
//   class OrderValidateService(Service):
//       def execute(self, data, parent_data): ...

/**
 * @typedef {{ order_id: string, total: number }} Inputs
 * @typedef {{ amount: number, customer: string }} Outputs
 * @typedef {{ customer?: string }} RootData   the run's root_pipeline_data
 */

/** @type {import("hookflow/bamboo").Service<Inputs, Outputs, RootData>} */
export default {
  execute(data, parentData) {
    const total = Number(data.get_one_of_inputs("total", 0));
    if (!(total > 0)) {
      data.outputs.ex_data = `order ${data.inputs.order_id}: total must be positive, got ${total}`;
      return false; // the node FAILS; retry it with new inputs, or skip it
    }
    data.outputs.amount = Math.round(total * 100) / 100;
    data.outputs.customer = parentData.inputs.customer ?? "anonymous";
    this.log.info(`order ${data.inputs.order_id}: ${data.outputs.amount} for ${data.outputs.customer}`);
    return true;
  },
};

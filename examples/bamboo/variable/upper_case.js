// @ts-check
// A lazy variable: {"type": "lazy", "custom_type": "upper_case", "value": "..."} in a tree.
// `value` arrives already rendered as a splice (its ${…} replaced). Python: LazyVariable.get_value().

/** @type {import("hookflow/bamboo").LazyVariable<unknown, string>} */
export default {
  getValue(value) {
    return String(value).toUpperCase();
  },
};

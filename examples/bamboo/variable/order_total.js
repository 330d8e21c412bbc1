// @ts-check
// A lazy variable that computes a value:
//   "${total}": {"type": "lazy", "custom_type": "order_total", "value": {"items": "${items}", "discount": "${discount}"}}
// `value` arrives rendered as a splice: strings inside it are templates, and a string that is exactly one
// ${key} becomes that key's raw value (here the list of items and a number), not text.

/**
 * @typedef {{ price: number, qty: number }} Item
 * @typedef {{ items: Item[], discount?: number }} Value
 */

/** @type {import("hookflow/bamboo").LazyVariable<Value, number>} */
export default {
  getValue(value) {
    if (!Array.isArray(value.items)) throw new TypeError(`order_total needs a list of {price, qty}, got ${JSON.stringify(value.items)}`);
    const subtotal = value.items.reduce((sum, item) => sum + Number(item.price) * Number(item.qty), 0);
    const discount = Number(value.discount ?? 0);
    return Math.round(subtotal * (1 - discount) * 100) / 100;
  },
};

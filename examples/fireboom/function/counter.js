// A subscription function: an async generator; every yielded body is one message to the client
// ({"data":{"n":1}}, then {"data":{"n":2}}, ...). The stream ends when the generator returns.
// Declared as a subscription in counter.json.

/** @type {import("hookflow/fireboom").FunctionHook<{to?: number}, {n: number}>} */
export default async function* counter(ctx) {
  const to = Math.min(ctx.input.to ?? 2, 100);
  for (let n = 1; n <= to; n++) {
    yield { data: { n } };
  }
}

// V5: resolve in the hook when the client asks for it with "X-Resolve-In-Hook: 1",
// otherwise return null so that Fireboom resolves the operation normally.

/** @type {import("hookflow/fireboom").CustomResolveHook<{id: number}>} */
export default function customResolve(ctx) {
  if (ctx.clientRequest.headers["X-Resolve-In-Hook"] !== "1") return null;
  return { data: { Todo_findFirstTodo: { id: ctx.input.id, title: "from hook" } } };
}

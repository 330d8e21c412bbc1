// V4: answer with a fixed todo; the data source is not called (post hooks still run).

/** @type {import("hookflow/fireboom").MockResolveHook<{id: number}>} */
export default function mockResolve(ctx) {
  return { data: { Todo_findFirstTodo: { id: ctx.input.id, title: "mock" } } };
}

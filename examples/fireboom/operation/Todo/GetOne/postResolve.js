// V6: a side effect only (here: a log line); the return value is ignored.

/** @type {import("hookflow/fireboom").PostResolveHook<{id: number}>} */
export default function postResolve(ctx) {
  const todo = ctx.response?.data?.Todo_findFirstTodo;
  ctx.log.info(`${ctx.operation.path}: todo ${ctx.input.id} ${todo ? "found" : "not found"}`);
}

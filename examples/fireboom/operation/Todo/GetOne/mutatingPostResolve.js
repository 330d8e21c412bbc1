// V7: capitalise the title. The returned body replaces the response entirely: keep data and errors.
import { upperTitle } from "../../../lib/todo";

/** @type {import("hookflow/fireboom").MutatingPostResolveHook<{id: number}>} */
export default function mutatingPostResolve(ctx) {
  const response = ctx.response ?? {};
  return { ...response, data: { ...response.data, Todo_findFirstTodo: upperTitle(response.data?.Todo_findFirstTodo) } };
}

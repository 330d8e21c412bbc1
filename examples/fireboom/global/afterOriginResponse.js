// V12: runs after Fireboom has produced the client's response (originBody = base64 of the body).
// Capitalises the title of Todo/GetOne answers; the ETag no longer matches the body, so drop it.
import { decodeJsonBase64, encodeJsonBase64, upperTitle, withoutHeaders } from "../lib/todo";

/** @type {import("hookflow/fireboom").OnResponseHook} */
export default function afterOriginResponse(ctx) {
  const { response } = ctx;
  if (ctx.operationName !== "Todo__GetOne" || !response.originBody) return undefined;
  const body = decodeJsonBase64(response.originBody);
  const todo = body?.data?.Todo_findFirstTodo;
  if (!todo) return { skip: true };
  return {
    ...response,
    headers: withoutHeaders(response.headers, "ETag"),
    originBody: encodeJsonBase64({ ...body, data: { ...body.data, Todo_findFirstTodo: upperTitle(todo) } }),
  };
}

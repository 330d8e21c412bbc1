// V11: runs for each (non-streaming) upstream response. Capitalises todo titles coming back from the
// REST API and normalises the Content-Type.
import { upperTitle } from "../lib/todo";

/** @type {import("hookflow/fireboom").OnResponseHook} */
export default function onOriginResponse(ctx) {
  const { response } = ctx;
  if (ctx.operationName !== "Todo__CreateOne" || response.statusCode !== 200) return undefined;
  return { ...response, headers: { ...response.headers, "Content-Type": "application/json" }, body: upperTitle(response.body) };
}

// V9: runs on every client request to /operations/..., before authentication and validation.
// For Todo/CreateOne, give new todos a default priority; everything else passes unchanged.
import { decodeJsonBase64, encodeJsonBase64, withoutHeaders } from "../lib/todo.js";

/** @type {import("hookflow/fireboom").OnRequestHook} */
export default function beforeOriginRequest(ctx) {
  const { request } = ctx;
  if (ctx.operationName !== "Todo__CreateOne" || !request.originBody) return undefined; // unchanged
  const body = decodeJsonBase64(request.originBody);
  if (body.priority !== undefined) return { skip: true };
  return {
    method: request.method,
    requestURI: request.requestURI,
    // The returned headers replace the request's headers entirely.
    headers: withoutHeaders(request.headers, "X-Real-Ip"),
    originBody: encodeJsonBase64({ ...body, priority: 1 }),
  };
}

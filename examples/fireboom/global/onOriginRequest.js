// V10: runs for each upstream HTTP request of a REST/GraphQL data source.
// Adds the caller's tenant as X-Tenant and drops what the upstream should not see.
import { tenantOf, withoutHeaders } from "../lib/todo";

/** @type {import("hookflow/fireboom").OnRequestHook} */
export default function onOriginRequest(ctx) {
  const { request } = ctx;
  const tenant = tenantOf(ctx.user);
  if (!tenant) return { skip: true };
  if (tenant === "blocked") return { cancel: true };
  let body = request.body;
  if (body && typeof body === "object" && !Array.isArray(body) && "__wg" in body) {
    const { __wg, ...rest } = body; // Fireboom injects __wg into upstream JSON bodies
    body = rest;
  }
  return {
    method: request.method,
    requestURI: request.requestURI,
    headers: { ...withoutHeaders(request.headers, "X-Request-Id"), "X-Tenant": tenant },
    body,
  };
}

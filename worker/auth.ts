import type { MiddlewareHandler } from "hono";
import { ApiError, notFound } from "./errors";
import { registryOf, type AppEnv } from "./env";
import { manifestOf } from "./project-cache";
import { parseApiKey, secretsEqual, sha256Hex } from "../security/secrets";

export const unauthorized = () => new ApiError(401, "unauthorized", "a valid bearer token is required");
const projectNotFound = (project: string) => notFound(`project ${project} does not exist`);

export function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/** Sets the principal: the admin, or a project key that is live in its own project's registry. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c.req.header("Authorization"));
  if (token === undefined) throw unauthorized();
  const admin = c.env.HOOKFLOW_ADMIN_TOKEN;
  if (admin && (await secretsEqual(token, admin))) {
    c.set("principal", { kind: "admin" });
    return next();
  }
  const key = parseApiKey(token);
  if (key === undefined || !(await registryOf(c.env, key.project).verifyApiKey(key.keyId, await sha256Hex(token)))) {
    throw unauthorized();
  }
  c.set("principal", { kind: "project", project: key.project, keyId: key.keyId });
  return next();
};

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("principal").kind !== "admin") throw new ApiError(403, "forbidden", "only the admin token may do this");
  return next();
};

/**
 * The `:project` of the route must exist and belong to the principal. Another project's key gets the same 404
 * as a project that does not exist, so keys reveal nothing about other projects.
 */
export const requireProject: MiddlewareHandler<AppEnv> = async (c, next) => {
  const project = c.req.param("project") ?? "";
  const principal = c.get("principal");
  if (principal.kind === "project" && principal.project !== project) throw projectNotFound(project);
  if ((await manifestOf(c.env, project)) === undefined) throw projectNotFound(project);
  return next();
};

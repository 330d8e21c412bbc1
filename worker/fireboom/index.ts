import { Hono } from "hono";
import { manifestOf } from "../project-cache";
import { PROJECT_NAME_PATTERN } from "../schemas/project-name";
import { sha256Hex } from "../../security/secrets";
import { functions } from "./functions";
import { gqls } from "./gqls";
import { healthReport } from "./health";
import { hooks } from "./hooks";
import { background, type FireboomEnv } from "./http";
import { hookSwagger } from "./swagger";

/**
 * The Fireboom hook server, below /fireboom/{project}/{hookKey} (see ../shared/spec/fireboom-hooks.md and
 * api.md "Fireboom hook server"). Fireboom sends no credentials, so the hook key in the URL is the secret:
 * a wrong key and an unknown project get the same 404.
 */
const server = new Hono<FireboomEnv>();

const encoder = new TextEncoder();

/**
 * Hook keys this isolate has already verified, by the hash they matched. Hashing the key of every request cost
 * about 5% of a hook call; a rotated key has a new hash, so an old entry is never consulted again.
 */
const verifiedHookKeys = new Map<string, string>();
const MAX_VERIFIED_HOOK_KEYS = 1024;

function equalInConstantTime(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.byteLength === right.byteLength && crypto.subtle.timingSafeEqual(left, right);
}

async function hookKeyMatches(hookKey: string, expectedHash: string): Promise<boolean> {
  const verified = verifiedHookKeys.get(expectedHash);
  if (verified !== undefined) return equalInConstantTime(hookKey, verified);
  if (!equalInConstantTime(await sha256Hex(hookKey), expectedHash)) return false;
  if (verifiedHookKeys.size >= MAX_VERIFIED_HOOK_KEYS) verifiedHookKeys.delete(verifiedHookKeys.keys().next().value!);
  verifiedHookKeys.set(expectedHash, hookKey);
  return true;
}

/** Even a failure of hookflow itself answers Fireboom with 500 (not retried) and a string `error`. */
server.onError((error, c) => {
  console.error(`[fireboom] ${c.req.method} ${c.req.path} failed`, error);
  const hook = c.req.path.split("/").pop() ?? "";
  return c.json({ hook, error: `hookflow failed to run the hook: ${error instanceof Error ? error.message : String(error)}` }, 500);
});

server.use("/:project/:hookKey/*", async (c, next) => {
  const { project, hookKey } = c.req.param();
  const manifest = PROJECT_NAME_PATTERN.test(project) ? await manifestOf(c.env, project, (work) => background(c, work)) : undefined;
  if (manifest === undefined || !(await hookKeyMatches(hookKey, manifest.hookKeyHash))) {
    return c.json({ error: "unknown project or wrong hook key" }, 404);
  }
  c.set("manifest", manifest);
  c.set("requestId", c.req.header("X-Request-Id"));
  await next();
});

server.get("/:project/:hookKey/health", (c) => c.json(healthReport(c.get("manifest"))));
server.get("/:project/:hookKey/hook.swagger.json", (c) => c.json(hookSwagger(c.env.HOOKFLOW_VERSION)));
server.route("/:project/:hookKey", hooks);
server.route("/:project/:hookKey", functions);
server.route("/:project/:hookKey", gqls);
server.all("/:project/:hookKey/*", (c) => c.json({ error: `no Fireboom hook route for ${c.req.method} ${c.req.path}` }, 404));

export const fireboom = server;

import type { Context } from "hono";
import type { Manifest } from "../durable/registry";
import type { AppEnv } from "./env";

/** The origin signed links carry: the project's `publicOrigin`, else the origin this request came to. */
export function publicOriginOf(c: Context<AppEnv>, manifest: Manifest): string {
  return manifest.settings.publicOrigin ?? new URL(c.req.url).origin;
}

import { Hono } from "hono";
import type { AppEnv } from "../env";

/** The Fireboom hook server, below /fireboom/{project}/{hookKey} (see ../shared/spec/fireboom-hooks.md). */
export const fireboom = new Hono<AppEnv>();

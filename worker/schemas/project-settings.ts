import * as v from "valibot";
import { MAX_LIMITS } from "../../sandbox/limits";

const limit = (max: number, min = 1) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)));

export const LimitsSettings = v.strictObject({
  cpuMs: limit(MAX_LIMITS.cpuMs),
  memoryBytes: limit(MAX_LIMITS.memoryBytes, 1024 * 1024),
  stackBytes: limit(MAX_LIMITS.stackBytes, 64 * 1024),
  resultBytes: limit(MAX_LIMITS.resultBytes),
  logBytes: limit(MAX_LIMITS.logBytes),
});

export const FireboomSettings = v.strictObject({
  /** Fireboom's FB_API_INTERNAL_URL, for ctx.internalClient. */
  internalUrl: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, "internalUrl must be an http(s) URL"))),
});

export const ProjectSettings = v.strictObject({
  fireboom: v.optional(FireboomSettings),
  limits: v.optional(LimitsSettings),
});

export type ProjectSettings = v.InferOutput<typeof ProjectSettings>;

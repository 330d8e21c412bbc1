import * as v from "valibot";
import { ProjectName } from "./project-name";
import { ScriptPath } from "./script-path";

export const MAX_INVOCATIONS_LISTED = 200;

/** A recorded call's id, as the registry makes them (a UUID); any short id of these characters is looked up. */
const InvocationId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, "an invocation id is 1-64 letters, digits, '_' or '-'"));

export const InvocationParams = v.object({ project: ProjectName, id: InvocationId });

/** An ISO 8601 time with a zone, as milliseconds since the epoch. */
const Time = (name: string) =>
  v.pipe(
    v.string(),
    v.isoTimestamp(`${name} is an ISO 8601 time such as 2026-12-02T10:00:00Z`),
    v.transform(Date.parse),
    v.check((ms) => Number.isFinite(ms), `${name} is an ISO 8601 time such as 2026-12-02T10:00:00Z`),
  );

export const InvocationsQuery = v.object({
  path: v.optional(ScriptPath),
  outcome: v.optional(v.picklist(["ok", "error"], "outcome is ok or error")),
  /** Recorded at or after. */
  since: v.optional(Time("since")),
  /** Recorded before. */
  until: v.optional(Time("until")),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, `limit is a whole number from 1 to ${MAX_INVOCATIONS_LISTED}`),
      v.transform(Number),
      v.minValue(1, `limit is a whole number from 1 to ${MAX_INVOCATIONS_LISTED}`),
      v.maxValue(MAX_INVOCATIONS_LISTED, `limit is a whole number from 1 to ${MAX_INVOCATIONS_LISTED}`),
    ),
    "50",
  ),
});

export const ReplayBody = v.optional(
  v.strictObject({
    /** The script version to run; the current one when absent. */
    version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    /** Let ctx.internalClient and fetch reach the network (a replay reaches nothing outside by default). */
    live: v.optional(v.boolean()),
  }),
  {},
);

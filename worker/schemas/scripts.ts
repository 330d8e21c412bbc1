import * as v from "valibot";
import { ScriptPath } from "./script-path";

export const MAX_SCRIPT_BYTES = 1024 * 1024;

export const VersionQuery = v.object({
  version: v.optional(v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,9}$/, "version is a positive whole number"), v.transform(Number))),
});

export const RollbackBody = v.strictObject({
  path: ScriptPath,
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export const InvokeBody = v.strictObject({
  path: ScriptPath,
  export: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, "export is a name, or a dotted path such as default.run")), "default"),
  args: v.optional(v.array(v.unknown()), []),
});

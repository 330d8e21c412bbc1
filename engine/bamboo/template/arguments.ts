// Binds call arguments to a builtin's parameter list, with Python's errors for the wrong count.

import { PyError } from "./errors";
import type { CallArgs, PyValue } from "./values";

/** The value of each parameter, in order; undefined where an optional one was not passed. */
export function bindArguments(name: string, args: CallArgs, params: readonly string[], required = params.length): (PyValue | undefined)[] {
  const { positional, keywords } = args;
  if (positional.length > params.length) {
    throw new PyError("TypeError", `${name}() takes at most ${params.length} argument${params.length === 1 ? "" : "s"} (${positional.length} given)`);
  }
  const bound: (PyValue | undefined)[] = params.map((_, index) => positional[index]);
  for (const [keyword, value] of keywords) {
    const index = params.indexOf(keyword);
    if (index < 0) throw new PyError("TypeError", `${name}() got an unexpected keyword argument '${keyword}'`);
    if (bound[index] !== undefined) throw new PyError("TypeError", `${name}() got multiple values for argument '${keyword}'`);
    bound[index] = value;
  }
  const missing = params.slice(0, required).find((_, index) => bound[index] === undefined);
  if (missing !== undefined) throw new PyError("TypeError", `${name}() missing required argument '${missing}'`);
  return bound;
}

/** For builtins taking any number of positional values (min, max): keywords limited to `allowed`. */
export function variadic(name: string, args: CallArgs, allowed: readonly string[] = []): readonly PyValue[] {
  for (const keyword of args.keywords.keys()) {
    if (!allowed.includes(keyword)) throw new PyError("TypeError", `${name}() got an unexpected keyword argument '${keyword}'`);
  }
  return args.positional;
}

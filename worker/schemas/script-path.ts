import * as v from "valibot";

/** Hook names per kind, as Fireboom's hook folder names them. */
export const OPERATION_HOOKS = ["mockResolve", "preResolve", "postResolve", "mutatingPreResolve", "mutatingPostResolve", "customResolve"] as const;
export const GLOBAL_HOOKS = ["beforeOriginRequest", "onOriginRequest", "onOriginResponse", "afterOriginResponse", "onConnectionInit"] as const;
export const AUTHENTICATION_HOOKS = ["postAuthentication", "mutatingPostAuthentication", "revalidateAuthentication", "postLogout"] as const;
export const UPLOAD_HOOKS = ["preUpload", "postUpload"] as const;

/** Kinds whose rest is a free name (which may contain `/`); the pipeline kinds are reserved for the engines. */
const NAMED_KINDS = ["function", "proxy", "customize", "lib", "component", "instruction", "variable", "end-event", "signal"] as const;
export const SCRIPT_KINDS = ["operation", "global", "authentication", "upload", ...NAMED_KINDS] as const;

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Why a script path is not valid, or undefined when it is. */
export function scriptPathProblem(path: string): string | undefined {
  const segments = path.split("/");
  if (path.length > 512) return "a script path is at most 512 characters";
  if (segments.some((s) => !SEGMENT.test(s))) {
    return "each path segment is letters, digits, '_', '.' or '-', and does not start with '.' or '-'";
  }
  const [kind, ...rest] = segments as [string, ...string[]];
  const hookProblem = (hooks: readonly string[], hook: string | undefined, shape: string) =>
    hook !== undefined && hooks.includes(hook) ? undefined : `${shape}: the hook must be one of ${hooks.join(", ")}`;
  switch (kind) {
    case "operation":
      return rest.length < 2 ? "operation scripts are operation/{operationPath}/{hook}" : hookProblem(OPERATION_HOOKS, rest.at(-1), "operation/{operationPath}/{hook}");
    case "global":
      return rest.length !== 1 ? "global scripts are global/{hook}" : hookProblem(GLOBAL_HOOKS, rest[0], "global/{hook}");
    case "authentication":
      return rest.length !== 1 ? "authentication scripts are authentication/{hook}" : hookProblem(AUTHENTICATION_HOOKS, rest[0], "authentication/{hook}");
    case "upload":
      return rest.length !== 3 ? "upload scripts are upload/{provider}/{profile}/{hook}" : hookProblem(UPLOAD_HOOKS, rest[2], "upload/{provider}/{profile}/{hook}");
    default:
      if (!(NAMED_KINDS as readonly string[]).includes(kind)) return `unknown script kind "${kind}": it must be one of ${SCRIPT_KINDS.join(", ")}`;
      return rest.length === 0 ? `${kind} scripts are ${kind}/{name}` : undefined;
  }
}

export const ScriptPath = v.pipe(
  v.string(),
  v.check((path) => scriptPathProblem(path) === undefined, (issue) => scriptPathProblem(String(issue.input)) ?? "invalid script path"),
);

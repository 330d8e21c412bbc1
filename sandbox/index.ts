export { Sandbox, type SandboxOptions } from "./sandbox";
export { DEFAULT_LIMITS, MAX_LIMITS, resolveLimits, type Limits } from "./limits";
export { resolveImport } from "./imports";
export * from "./types";

import type { Limits } from "./limits";

/** One version of one script, as the registry stores it. */
export interface ScriptVersion {
  readonly path: string;
  readonly sha256: string;
  readonly source: string;
}

/** The project's `lib/` scripts a call may import, all loaded before the call (module loading is synchronous). */
export interface Libraries {
  /** Changes whenever any library changes; a runtime built on another fingerprint is not reused. */
  readonly fingerprint: string;
  readonly sources: ReadonlyMap<string, string>;
}

export const NO_LIBRARIES: Libraries = { fingerprint: "", sources: new Map() };

/** A host function a decorator can reach with `host("call", name, argsJson)`; it answers with JSON-able data. */
export type HostCall = (args: unknown) => Promise<unknown>;

export interface InvokeRequest {
  /** Runtimes are never shared between two projects. */
  readonly project: string;
  readonly script: ScriptVersion;
  readonly libraries?: Libraries;
  /** Export name, or a dotted path into it (`default.run`). */
  readonly exportName?: string;
  /** JSON values; the script reads them through lazy read-only views (lazy-args.ts) and never changes them. */
  readonly args: readonly unknown[];
  readonly limits: Limits;
  /** Name of a decorator registered with the Sandbox that turns the read-only args into what the script sees. */
  readonly decorate?: string;
  readonly hostCalls?: Readonly<Record<string, HostCall>>;
  /** Hosts reachable by fetch besides the script's own `permissions.net`. */
  readonly implicitHosts?: readonly string[];
  /** Refuses every fetch, whatever the permissions (a replay of a recorded call must not reach the network). */
  readonly offline?: boolean;
  /** Whether to compute usage.memoryBytes (costs a walk of the runtime's heap). */
  readonly measureMemory?: boolean;
}

export interface LogEntry {
  readonly level: "debug" | "info" | "log" | "warn" | "error";
  readonly message: string;
}

export interface Usage {
  readonly cpuMs: number;
  readonly memoryBytes: number;
}

export type SandboxErrorCode =
  | "cpu_budget_exceeded"
  | "wall_clock_exceeded"
  | "memory_limit_exceeded"
  | "stack_overflow"
  | "result_too_large"
  | "permission_denied"
  | "script_error"
  | "sandbox_crashed";

export interface SandboxError {
  readonly code: SandboxErrorCode;
  readonly message: string;
  readonly stack?: string;
}

export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown; readonly logs: LogEntry[]; readonly usage: Usage }
  | { readonly ok: false; readonly error: SandboxError; readonly logs: LogEntry[]; readonly usage: Usage };

export type CompileOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };

/** Per-call resource limits. Projects may override each of them within the bounds below. */
export interface Limits {
  /**
   * Guest CPU time, never measured by a clock: bytecode counted in interrupt-handler calls (INTERRUPTS_PER_CPU_MS),
   * plus host calls, native built-ins and promise jobs charged by the cost model (cost-model.ts).
   */
  readonly cpuMs: number;
  /** Wall-clock time of one call, for calls that wait: on fetch, on host calls, on timers. */
  readonly wallMs: number;
  readonly memoryBytes: number;
  readonly stackBytes: number;
  /** The JSON of a call's result. */
  readonly resultBytes: number;
  /** All console output of one call together; what is past it is dropped and counted. */
  readonly logBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  cpuMs: 50,
  wallMs: 10_000,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  resultBytes: 1024 * 1024,
  logBytes: 64 * 1024,
};

/** The largest value a project may set for each limit. */
export const MAX_LIMITS: Limits = {
  cpuMs: 30_000,
  wallMs: 300_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 1024 * 1024,
  resultBytes: 8 * 1024 * 1024,
  logBytes: 1024 * 1024,
};

/**
 * How many times QuickJS calls the interrupt handler per millisecond of guest CPU. Deployed Workers freeze
 * Date.now() and performance.now() between I/O, so a deadline check never fires there; counting handler calls
 * is deterministic instead. QuickJS polls every 10,000 branches or calls, so the ratio depends on the code.
 * Calibrated with `npm run bench:sandbox` inside workerd (docs/performance.md): the densest typical code (tight
 * arithmetic and call loops) peaked at ~3.0 calls/ms, object/array/string code at 0.3-0.9, regex at ~0.25, and
 * JSON.parse/stringify or one big native regex at ~0 (native built-ins do not poll; the memory limit backs them
 * up). 4 (peak + 10%, rounded up) gives typical code at least its cpuMs of real CPU before it is stopped (on the
 * bench machine; a CPU much faster than it would need a higher value).
 */
export const INTERRUPTS_PER_CPU_MS = 4;

export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

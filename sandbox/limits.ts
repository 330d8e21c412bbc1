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
 * How many interrupt-handler calls count as a millisecond of guest CPU. Deployed Workers freeze Date.now() and
 * performance.now() between I/O, so a deadline check never fires there; counting handler calls is deterministic
 * instead. QuickJS polls every 10,000 branches or calls, so the real time between polls depends on the code: in
 * workerd (`npm run bench:sandbox`, docs/performance.md) tight arithmetic and call loops poll ~4 times per ms,
 * object code ~1 time, regex `exec` loops ~0.4 times (allocation, garbage collection and the regex engine do not
 * poll). At 1, typical code is charged 0.9-4.3 ms of budget per ms of CPU (geometric mean ~1.5): the budget errs
 * on the safe side, so that object-heavy code, which polls least, still stops within ~1.1x its budget. Native
 * built-ins, host calls and promise jobs do not poll at all; the cost model charges them (cost-model.ts).
 */
export const INTERRUPTS_PER_CPU_MS = 1;

export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

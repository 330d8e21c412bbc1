/** Per-call resource limits. Projects may override each of them within the bounds below. */
export interface Limits {
  /** Guest CPU time, counted in interrupt-handler calls (see INTERRUPTS_PER_CPU_MS), never by a clock. */
  readonly cpuMs: number;
  readonly memoryBytes: number;
  readonly stackBytes: number;
  /** The JSON of a call's result. */
  readonly resultBytes: number;
  /** All console output of one call together; what is past it is dropped and counted. */
  readonly logBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  cpuMs: 50,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  resultBytes: 1024 * 1024,
  logBytes: 64 * 1024,
};

/** The largest value a project may set for each limit. */
export const MAX_LIMITS: Limits = {
  cpuMs: 30_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 1024 * 1024,
  resultBytes: 8 * 1024 * 1024,
  logBytes: 1024 * 1024,
};

/**
 * How many times QuickJS calls the interrupt handler per millisecond of guest CPU. Deployed Workers freeze
 * Date.now() and performance.now() between I/O, so a deadline check never fires there; counting handler calls
 * is deterministic instead. QuickJS polls every 10,000 branches or calls, so the ratio depends on the code;
 * this one is calibrated with `npm run bench:sandbox` (see docs/performance.md).
 */
export const INTERRUPTS_PER_CPU_MS = 4;

export function resolveLimits(overrides: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

import { INTERRUPTS_PER_CPU_MS } from "./limits";

/** Raised by a charge that the budget cannot cover: the guest sees it, and the call ends at the next interrupt. */
export class BudgetExceeded extends RangeError {
  constructor(cpuMs: number) {
    super(`the script used more than its CPU budget of ${cpuMs} ms`);
  }
}

const NS_PER_INTERRUPT = 1_000_000 / INTERRUPTS_PER_CPU_MS;

/**
 * One call's CPU budget, in nanoseconds: the bytecode it ran (interrupt-handler calls) plus everything charged
 * by the cost model (cost-model.ts). No clock is read, so a call breaches at the same point on every run, and on
 * deployed Workers, where clocks stand still during CPU work.
 */
export class CpuBudget {
  private interruptCount = 0;
  private chargedNs = 0;
  private readonly limitNs: number;

  constructor(private readonly cpuMs: number) {
    this.limitNs = cpuMs * 1_000_000;
  }

  get spentNs(): number {
    return this.interruptCount * NS_PER_INTERRUPT + this.chargedNs;
  }

  get exhausted(): boolean {
    return this.spentNs > this.limitNs;
  }

  /** What is spent, in ms to one decimal, as `usage.cpuMs` reports it. */
  get spentMs(): number {
    return Math.round(this.spentNs / 100_000) / 10;
  }

  /** Interrupt-handler calls so far. */
  get interrupts(): number {
    return this.interruptCount;
  }

  /** Counts one interrupt-handler call; true once the budget is spent. */
  interrupt(): boolean {
    this.interruptCount++;
    return this.exhausted;
  }

  /** Charges work about to be done, refusing it (BudgetExceeded) when the budget cannot cover it. */
  charge(ns: number): void {
    this.chargedNs += ns;
    if (this.exhausted) throw new BudgetExceeded(this.cpuMs);
  }

  /** Charges work already done (promise jobs, a serialized result): it cannot be refused, only counted. */
  record(ns: number): void {
    this.chargedNs += ns;
  }
}

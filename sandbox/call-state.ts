import { CpuBudget } from "./cpu-budget";
import { revive, type ArgsLayout } from "./lazy-args";
import type { Limits } from "./limits";
import type { HostCall, LogEntry } from "./types";

/** What one call owns while it runs in a slot: its budget, its logs, its host I/O and timers in flight, its permissions. */
export class CallState {
  readonly logs: LogEntry[] = [];
  private logBytes = 0;
  private droppedLogs = 0;
  readonly budget: CpuBudget;
  /** Host operations (fetch, digest, host calls, timers) whose result the guest still awaits. */
  readonly pending = new Set<Promise<void>>();
  /** Cancels the host timer of each guest timer still running, by its id. */
  private readonly timers = new Map<number, () => void>();
  allowedHosts: readonly string[] = [];
  finished = false;

  constructor(
    readonly limits: Limits,
    readonly hostCalls: Readonly<Record<string, HostCall>>,
    readonly implicitHosts: readonly string[],
    /** The call's arguments as the guest reads them. */
    readonly args: ArgsLayout,
    /** The key of this call's result markers. */
    readonly markerKey: string,
    /** No fetch at all (InvokeRequest.offline). */
    readonly offline = false,
  ) {
    this.budget = new CpuBudget(limits.cpuMs);
  }

  /** JSON from the guest (a result, streamed items, host call arguments), with markers swapped for the arguments they name. */
  parseGuestJson(json: string): unknown {
    return revive(json, this.markerKey, this.args);
  }

  log(level: LogEntry["level"], message: string): void {
    if (this.logBytes + message.length > this.limits.logBytes) {
      this.droppedLogs++;
      return;
    }
    this.logBytes += message.length;
    this.logs.push({ level, message });
  }

  /** Logs past the limit are dropped, not fatal: a chatty hook should still answer. One line says how many. */
  finalLogs(): LogEntry[] {
    if (this.droppedLogs === 0) return this.logs;
    return [
      ...this.logs,
      { level: "warn", message: `${this.droppedLogs} log entries dropped: the call's log limit is ${this.limits.logBytes} bytes` },
    ];
  }

  /** Waits `ms` on the host for the guest timer `id`; the wait ends early when it is cancelled or the call ends. */
  startTimer(id: number, ms: number): Promise<void> {
    const wait = new Promise<void>((resolve) => {
      const handle = setTimeout(resolve, ms);
      this.timers.set(id, () => {
        clearTimeout(handle);
        resolve();
      });
    });
    return wait.finally(() => this.timers.delete(id));
  }

  cancelTimer(id: number): void {
    this.timers.get(id)?.();
  }

  /** Ends the call: results of host work still in flight are dropped, and its timers are cancelled. */
  finish(): void {
    this.finished = true;
    for (const cancel of this.timers.values()) cancel();
  }

  track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Deno-style host permissions: `host` matches that hostname on any port, `host:port` only that port. */
  mayFetch(url: URL): boolean {
    if (this.offline) return false;
    const allowed = (entry: string) => {
      const wanted = entry.toLowerCase();
      if (wanted.startsWith("*.")) return url.hostname.endsWith(wanted.slice(1));
      return wanted.includes(":") ? url.host === wanted : url.hostname === wanted;
    };
    return this.allowedHosts.some(allowed) || this.implicitHosts.some(allowed);
  }
}

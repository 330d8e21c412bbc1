import { discardEngine, loadEngine, type Engine } from "./engine";
import { Slot } from "./slot";
import { NO_LIBRARIES, type CompileOutcome, type InvokeOutcome, type InvokeRequest } from "./types";

export interface SandboxOptions {
  /** Idle runtimes kept warm across all projects; the least recently used project's go first. */
  readonly maxIdleSlots?: number;
  /**
   * Past this size the wasm heap is given back once no call is running: the engine is rebuilt (wasm memory can
   * grow but never shrink, and a deployed isolate has 128 MB in all).
   */
  readonly maxRetainedHeapBytes?: number;
  /**
   * Guest expressions evaluating to functions `(args, host, raw) => args` that turn a call's read-only arguments
   * into what a script sees, e.g. a Fireboom `ctx` with `log` and `internalClient`; `raw(view)` is the view's
   * frozen plain object, cheaper to copy than the view. A decorator may instead answer a function
   * `(fn, self) => result` that makes the call itself: a calling convention that picks `this` and shapes the
   * result (a bamboo component's methods). Named by InvokeRequest.decorate; evaluated once per runtime.
   */
  readonly decorators?: Readonly<Record<string, string>>;
  /** Told every call's outcome, synchronously (the runtime counts the calls its limits stopped). */
  readonly onOutcome?: (project: string, outcome: InvokeOutcome) => void;
}

/**
 * The QuickJS host. It knows nothing of HTTP or storage: give it a script version, its libraries and JSON
 * arguments, and it answers with the result or a coded error, logs and usage.
 *
 * Each project gets its own runtimes; a runtime runs one call at a time, so concurrent calls of one project
 * use several. Idle runtimes are kept warm with their compiled modules.
 */
export class Sandbox {
  private readonly idle = new Map<string, Slot[]>();
  private idleCount = 0;
  private readonly maxIdleSlots: number;
  private readonly maxRetainedHeapBytes: number;
  private readonly decorators: Readonly<Record<string, string>>;
  private readonly onOutcome: ((project: string, outcome: InvokeOutcome) => void) | undefined;
  private inFlight = 0;

  constructor(options: SandboxOptions = {}) {
    this.maxIdleSlots = options.maxIdleSlots ?? 32;
    this.maxRetainedHeapBytes = options.maxRetainedHeapBytes ?? 96 * 1024 * 1024;
    this.decorators = options.decorators ?? {};
    this.onOutcome = options.onOutcome;
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    const engine = await loadEngine();
    const slot = this.acquire(engine, request);
    this.inFlight++;
    let outcome: InvokeOutcome;
    try {
      outcome = await slot.invoke(request);
    } finally {
      this.inFlight--;
    }
    const crashed = !outcome.ok && outcome.error.code === "sandbox_crashed";
    this.release(slot);
    // engine.aborted: freeing a runtime (here, or of an evicted slot) failed an assertion inside QuickJS.
    if (crashed || engine.aborted || (this.inFlight === 0 && engine.module.getWasmMemory().buffer.byteLength > this.maxRetainedHeapBytes)) {
      // A trapped module may be corrupt; an oversized one is only given back. Either way the next call starts a
      // fresh module, and the old one goes once nothing refers to it.
      discardEngine(engine);
      this.dropGeneration(engine);
    }
    this.onOutcome?.(request.project, outcome);
    return outcome;
  }

  /** Parses a module without running it; a syntax error comes back with its line and column. */
  async compile(path: string, source: string): Promise<CompileOutcome> {
    const engine = await loadEngine();
    // This QuickJS build sometimes reports a value-less "exception" for a module that parses fine, depending on
    // where the source and name land in memory. A real parse failure is always a SyntaxError object, so such a
    // result is retried with trailing comments, which change the layout and nothing else.
    for (const padding of ["", "\n//", "\n// hookflow", "\n//".padEnd(41, "-")]) {
      const outcome = this.compileOnce(engine, path, source + padding);
      if (outcome !== "spurious") return outcome;
    }
    return { ok: false, message: "QuickJS could not compile the module", line: 0, column: 0 };
  }

  private compileOnce(engine: Engine, path: string, source: string): CompileOutcome | "spurious" {
    // A throwaway context: a compiled module stays registered in the context that compiled it.
    const context = engine.module.newContext();
    try {
      context.runtime.setMemoryLimit(64 * 1024 * 1024);
      // Imports are not checked here (a lib/ script may be uploaded after its importer); an empty module
      // stands in for any the compiler asks for. The import rules hold when the script runs.
      context.runtime.setModuleLoader(() => "export {}");
      const compiled = context.evalCode(source, path, { type: "module", compileOnly: true });
      if (!compiled.error) {
        compiled.value.dispose();
        return { ok: true };
      }
      const error = compiled.error.consume((h) => context.dump(h)) as { message?: string; stack?: string } | undefined;
      if (error === null || typeof error !== "object") return "spurious";
      const at = /:(\d+)(?::(\d+))?\)?\s*$/m.exec(error.stack ?? "");
      return { ok: false, message: String(error.message ?? error), line: Number(at?.[1] ?? 0), column: Number(at?.[2] ?? 0) };
    } finally {
      context.dispose();
    }
  }

  private acquire(engine: Engine, request: InvokeRequest): Slot {
    const libraries = request.libraries ?? NO_LIBRARIES;
    const slots = this.idle.get(request.project);
    while (slots && slots.length > 0) {
      const slot = slots.pop()!;
      this.idleCount--;
      if (slot.alive && slot.engine === engine && slot.libraries.fingerprint === libraries.fingerprint) return slot;
      this.disposeSlot(slot);
    }
    return new Slot(engine, request.project, libraries, this.decorators);
  }

  private release(slot: Slot): void {
    if (!slot.alive) {
      this.disposeSlot(slot);
      return;
    }
    // Re-insert the project last so the map's order is least recently used first.
    const slots = this.idle.get(slot.project) ?? [];
    this.idle.delete(slot.project);
    this.idle.set(slot.project, slots);
    slots.push(slot);
    this.idleCount++;
    for (const [project, list] of this.idle) {
      if (this.idleCount <= this.maxIdleSlots) break;
      const evicted = list.shift();
      if (evicted) {
        this.idleCount--;
        this.disposeSlot(evicted);
      }
      if (list.length === 0) this.idle.delete(project);
    }
  }

  private dropGeneration(engine: Engine): void {
    for (const [project, list] of this.idle) {
      const keep = list.filter((slot) => slot.engine !== engine);
      this.idleCount -= list.length - keep.length;
      this.idle.set(project, keep);
    }
  }

  private disposeSlot(slot: Slot): void {
    try {
      slot.dispose();
    } catch {
      // A slot of a discarded engine may not free cleanly; its memory goes with the old module.
    }
  }
}

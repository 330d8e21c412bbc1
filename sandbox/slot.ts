import { Scope, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from "quickjs-emscripten-core";
import { createBridge } from "./bridge";
import { CallState } from "./call-state";
import type { Engine } from "./engine";
import { HostPromises } from "./host-promises";
import { resolveImport } from "./imports";
import { newGuestString } from "./guest-string";
import { ArgsTooDeep, layOutArgs, type ArgsLayout } from "./lazy-args";
import { PROMISE_JOB_NS } from "./cost-model";
import { PRELUDE_SOURCE } from "./prelude";
import type { InvokeOutcome, InvokeRequest, Libraries, SandboxError, ScriptVersion } from "./types";

/** A guest exception, dumped to host data. */
interface GuestFailure {
  readonly thrown: unknown;
}

/** A loaded module: its namespace handle and the hosts it asked to fetch from. */
interface LoadedModule {
  readonly namespace: QuickJSHandle;
  readonly netPermissions: readonly string[];
}

/** Past this many cached modules a slot is retired rather than grow without bound. */
const MAX_MODULES_PER_SLOT = 64;

/**
 * How often (in interrupt-handler calls) the handler walks the heap to measure it.
 * QuickJS's own limit sees only large single allocations in this wasm build (malloc_usable_size is unavailable,
 * so its accounting counts 8 bytes per block); the walk catches many small ones.
 */
const HEAP_WALK_EVERY = 8;

/**
 * Promise jobs run in batches of this many between budget checks: a microtask loop (`for (;;) await null`) runs
 * no bytecode the interrupt handler would see often enough, so its jobs are charged (PROMISE_JOB_NS).
 */
const JOB_BATCH = 256;

type Breach = "cpu" | "memory" | "wall";

/**
 * One QuickJS runtime and context, owned by one project, running one call at a time. It keeps the project's
 * compiled modules warm between calls (keyed by content hash) and is thrown away after any limit breach.
 */
export class Slot {
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  private readonly scope = new Scope();
  private readonly modules = new Map<string, LoadedModule>();
  private readonly decorators = new Map<string, QuickJSHandle>();
  private readonly runHelper: QuickJSHandle;
  private readonly permissionsHelper: QuickJSHandle;
  private call: CallState | undefined;
  /** When this call's wall-clock limit ends (Date.now()). */
  private deadline = 0;
  private runtimeLimits = { memoryBytes: -1, stackBytes: -1 };
  private memoryLimit = 0;
  private heapBaseline = 0;
  private breach: Breach | undefined;
  /** Makes each call's result markers unguessable by data (see lazy-args.ts). */
  private readonly markerPrefix = crypto.randomUUID();
  private calls = 0;
  private importProblem: string | undefined;
  /** Set when a breach or a trap makes this slot unfit for another call. */
  retired = false;
  /** The engine's growth check while this slot runs guest code: the call may grow the heap by its memory limit. */
  private readonly growthCheck = (bytes: number): boolean => {
    if (bytes - this.heapBaseline <= this.memoryLimit) return true;
    this.breach = "memory";
    return false;
  };

  constructor(
    readonly engine: Engine,
    readonly project: string,
    readonly libraries: Libraries,
    private readonly decoratorSources: Readonly<Record<string, string>>,
  ) {
    this.runtime = this.scope.manage(engine.module.newRuntime());
    this.context = this.scope.manage(this.runtime.newContext());
    this.runtime.setInterruptHandler(() => {
      if (this.call === undefined) return false;
      if (this.call.budget.interrupt()) this.breach = "cpu";
      else if (this.heapGrowth() > this.memoryLimit) this.breach = "memory";
      else if (this.call.budget.interrupts % HEAP_WALK_EVERY === 0 && this.heapUsed() > this.memoryLimit) this.breach = "memory";
      return this.breach !== undefined;
    });
    this.runtime.setModuleLoader(
      (name) => {
        const source = this.libraries.sources.get(name);
        return source === undefined ? { error: new Error(`no script at ${name}`) } : source;
      },
      (importer, specifier) => {
        try {
          const path = resolveImport(importer, specifier);
          if (!this.libraries.sources.has(path)) throw new Error(`cannot import "${specifier}" from ${importer}: no script at ${path}`);
          return path;
        } catch (error) {
          // QuickJS reports a failed import as an exception without a value; keep the reason for the caller.
          this.importProblem = (error as Error).message;
          throw error;
        }
      },
    );
    // Managed after the context, so disposed before it: no host promise outlives the runtime (host-promises.ts).
    const promises = this.scope.manage(new HostPromises(this.context));
    const bridge = this.scope.manage(createBridge(this.context, () => this.call, promises));
    const install = this.scope.manage(this.context.unwrapResult(this.context.evalCode(PRELUDE_SOURCE, "hookflow:prelude", { type: "global" })));
    const helpers = this.scope.manage(this.context.unwrapResult(this.context.callFunction(install, this.context.undefined, bridge)));
    this.runHelper = this.scope.manage(this.context.getProp(helpers, "run"));
    this.permissionsHelper = this.scope.manage(this.context.getProp(helpers, "permissionsOf"));
  }

  /** How much the shared wasm memory grew during this call: cheap, and bounds what one call can take. */
  private heapGrowth(): number {
    return this.engine.module.getWasmMemory().buffer.byteLength - this.heapBaseline;
  }

  private heapUsed(): number {
    const stats = this.runtime.computeMemoryUsage();
    try {
      return (this.context.dump(stats) as { memory_used_size?: number }).memory_used_size ?? 0;
    } finally {
      stats.dispose();
    }
  }

  /** Runs guest code (anything that can allocate on the guest's behalf) under this call's growth check. */
  private enter<T>(work: () => T): T {
    const outer = this.engine.mayGrowTo;
    this.engine.mayGrowTo = this.growthCheck;
    try {
      return work();
    } finally {
      this.engine.mayGrowTo = outer;
    }
  }

  get alive(): boolean {
    return !this.retired && this.context.alive;
  }

  dispose(): void {
    this.retired = true;
    this.call?.finish();
    for (const module of this.modules.values()) module.namespace.dispose();
    for (const decorator of this.decorators.values()) decorator.dispose();
    this.modules.clear();
    this.decorators.clear();
    this.scope.dispose();
  }

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    let args: ArgsLayout;
    try {
      args = layOutArgs(request.args);
    } catch (error) {
      if (!(error instanceof ArgsTooDeep)) throw error;
      return { ok: false, error: { code: "stack_overflow", message: error.message }, logs: [], usage: { cpuMs: 0, memoryBytes: 0 } };
    }
    const call = new CallState(request.limits, request.hostCalls ?? {}, request.implicitHosts ?? [], args, `hookflow:${this.markerPrefix}:${++this.calls}`, request.offline);
    this.call = call;
    this.breach = undefined;
    this.importProblem = undefined;
    this.deadline = Date.now() + request.limits.wallMs;
    this.memoryLimit = request.limits.memoryBytes;
    this.heapBaseline = this.engine.module.getWasmMemory().buffer.byteLength;
    this.applyRuntimeLimits(request.limits.memoryBytes, request.limits.stackBytes);
    try {
      // A decorator may define globals that a module reads as it loads, so it is evaluated first.
      if (request.decorate !== undefined) this.decorator(request.decorate);
      const module = await this.load(request.script);
      call.allowedHosts = module.netPermissions;
      const json = await this.callExport(module, request, call);
      // A charge the budget refused throws in the guest, which may catch it and return before the next interrupt.
      if (call.budget.exhausted) this.breach = "cpu";
      // Native built-ins (Array.prototype.fill, ...) allocate without polling the interrupt handler; a call that
      // polled or grew the heap is measured once more before its result counts.
      if ((call.budget.interrupts > 0 || this.heapGrowth() > 0) && this.heapUsed() > this.memoryLimit) this.breach = "memory";
      if (this.breach) throw { thrown: { name: "InternalError", message: "interrupted" } } satisfies GuestFailure;
      // The limit bounds the JSON the script wrote; arguments it passed through come back as markers (lazy-args.ts).
      const resultBytes = json === undefined ? 0 : jsonBytes(json, request.limits.resultBytes);
      if (resultBytes > request.limits.resultBytes) {
        return this.failure(call, request, { code: "result_too_large", message: `the result is ${resultBytes} bytes of JSON; the limit is ${request.limits.resultBytes}` });
      }
      return { ok: true, result: json === undefined ? null : call.parseGuestJson(json), logs: call.finalLogs(), usage: this.usage(call, request) };
    } catch (error) {
      return this.failure(call, request, this.classify(error, request));
    } finally {
      call.finish();
      this.call = undefined;
      if (this.modules.size > MAX_MODULES_PER_SLOT) this.retired = true;
    }
  }

  private failure(call: CallState, request: InvokeRequest, error: SandboxError): InvokeOutcome {
    const usage = this.retired ? { cpuMs: call.budget.spentMs, memoryBytes: 0 } : this.usage(call, request);
    return { ok: false, error, logs: call.finalLogs(), usage };
  }

  private usage(call: CallState, request: InvokeRequest) {
    return { cpuMs: call.budget.spentMs, memoryBytes: request.measureMemory ? this.heapUsed() : 0 };
  }

  /** Evaluates a script as an ES module once per content hash, and reads its permissions export. */
  private async load(script: ScriptVersion): Promise<LoadedModule> {
    const key = `${script.path}@${script.sha256}`;
    const cached = this.modules.get(key);
    if (cached) return cached;
    const evaluated = this.enter(() => this.context.evalCode(script.source, script.path, { type: "module" }));
    if (evaluated.error) throw this.guestFailure(evaluated.error);
    const namespace = await this.settle(evaluated.value);
    const permissions = this.enter(() => this.context.callFunction(this.permissionsHelper, this.context.undefined, namespace));
    if (permissions.error) {
      namespace.dispose();
      throw this.guestFailure(permissions.error);
    }
    const netPermissions = JSON.parse(permissions.value.consume((h) => this.context.getString(h))) as string[];
    const module = { namespace, netPermissions };
    this.modules.set(key, module);
    return module;
  }

  private decorator(name: string): QuickJSHandle {
    let handle = this.decorators.get(name);
    if (handle === undefined) {
      const source = this.decoratorSources[name];
      if (source === undefined) throw new Error(`no decorator named ${name}`);
      handle = this.context.unwrapResult(this.context.evalCode(source, `hookflow:${name}`, { type: "global" }));
      this.decorators.set(name, handle);
    }
    return handle;
  }

  private async callExport(module: LoadedModule, request: InvokeRequest, call: CallState): Promise<string | undefined> {
    const ctx = this.context;
    const pending = Scope.withScope((scope) => {
      const args = [
        module.namespace,
        scope.manage(ctx.newString(request.exportName ?? "default")),
        scope.manage(newGuestString(ctx, call.args.text)),
        scope.manage(ctx.newNumber(call.args.root.start)),
        scope.manage(ctx.newNumber(call.args.root.end)),
        scope.manage(ctx.newNumber(call.args.root.kind)),
        scope.manage(ctx.newString(call.markerKey)),
        request.decorate === undefined ? ctx.undefined : this.decorator(request.decorate),
        scope.manage(ctx.newNumber(request.limits.resultBytes)),
      ];
      const started = this.enter(() => ctx.callFunction(this.runHelper, ctx.undefined, args));
      if (started.error) throw this.guestFailure(started.error);
      return started.value;
    });
    const settled = await this.settle(pending);
    return settled.consume((handle) => (ctx.typeof(handle) === "string" ? ctx.getString(handle) : undefined));
  }

  /**
   * Drives a guest promise to completion: runs the job queue, and while the guest waits on host work, waits for
   * that work until the call's wall-clock limit. Consumes `handle`; returns the fulfilled value, or throws the
   * rejection as a GuestFailure.
   */
  private async settle(handle: QuickJSHandle): Promise<QuickJSHandle> {
    const call = this.call!;
    try {
      for (;;) {
        this.runJobs(call);
        const state = this.context.getPromiseState(handle);
        if (state.type === "fulfilled") {
          if (state.notAPromise) return handle.dup();
          return state.value;
        }
        if (state.type === "rejected") throw this.guestFailure(state.error);
        if (this.breach) throw { thrown: { name: "InternalError", message: "interrupted" } } satisfies GuestFailure;
        if (call.pending.size === 0) {
          throw { thrown: { name: "Error", message: "the script's promise never settled: it awaits something that will never happen" } } satisfies GuestFailure;
        }
        if (!(await this.waitForHostWork(call))) {
          this.breach = "wall";
          throw { thrown: { name: "InternalError", message: "interrupted" } } satisfies GuestFailure;
        }
      }
    } finally {
      handle.dispose();
    }
  }

  /** The runtime's own memory and stack limits, set only when they change (most calls of a slot share them). */
  private applyRuntimeLimits(memoryBytes: number, stackBytes: number): void {
    if (memoryBytes !== this.runtimeLimits.memoryBytes) this.runtime.setMemoryLimit(memoryBytes);
    if (stackBytes !== this.runtimeLimits.stackBytes) this.runtime.setMaxStackSize(stackBytes);
    this.runtimeLimits = { memoryBytes, stackBytes };
  }

  /** Runs the guest's promise jobs until none is left, charging each, and stops at a breach. */
  private runJobs(call: CallState): void {
    // Most calls of a synchronous export queue no job at all.
    if (!this.runtime.hasPendingJob()) return;
    for (;;) {
      const jobs = this.enter(() => this.runtime.executePendingJobs(JOB_BATCH));
      if (jobs.error) throw this.guestFailure(jobs.error);
      const ran = jobs.value;
      call.budget.record(ran * PROMISE_JOB_NS);
      if (call.budget.exhausted) this.breach = "cpu";
      if (ran < JOB_BATCH || this.breach) return;
    }
  }

  /** Waits for some host work the guest awaits to end; false when the call's wall-clock limit came first. */
  private async waitForHostWork(call: CallState): Promise<boolean> {
    const left = this.deadline - Date.now();
    if (left <= 0) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), left)));
    try {
      return await Promise.race([Promise.race(call.pending).then(() => true), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private guestFailure(error: QuickJSHandle): GuestFailure {
    // dump() disposes a promise it is given (quickjs-emscripten 0.32), so it gets its own reference.
    const alias = error.dup();
    try {
      return { thrown: this.context.dump(alias) };
    } finally {
      if (alias.alive) alias.dispose();
      error.dispose();
    }
  }

  /** Maps whatever ended a call to its error code, and retires the slot when the runtime cannot be trusted. */
  private classify(error: unknown, request: InvokeRequest): SandboxError {
    const limits = request.limits;
    const memoryExceeded = { code: "memory_limit_exceeded", message: `the script used more than its memory limit of ${limits.memoryBytes} bytes` } as const;
    if (this.breach === "cpu" || this.call?.budget.exhausted) {
      this.retired = true;
      return { code: "cpu_budget_exceeded", message: `the script used more than its CPU budget of ${limits.cpuMs} ms` };
    }
    if (this.breach === "memory") {
      this.retired = true;
      return memoryExceeded;
    }
    if (this.breach === "wall") {
      // The guest still holds the async work it was waiting on; a fresh runtime is simpler than unwinding it.
      this.retired = true;
      return { code: "wall_clock_exceeded", message: `the script ran longer than its wall-clock limit of ${limits.wallMs} ms` };
    }
    if (this.importProblem !== undefined) return { code: "script_error", message: this.importProblem };
    if (error !== null && typeof error === "object" && "thrown" in error) {
      const thrown = (error as GuestFailure).thrown;
      const { name, message, stack } =
        thrown !== null && typeof thrown === "object"
          ? (thrown as { name?: unknown; message?: unknown; stack?: unknown })
          : { name: undefined, message: thrown, stack: undefined };
      const text = String(message ?? thrown);
      if (name === "InternalError" && /out of memory/i.test(text)) {
        this.retired = true;
        return memoryExceeded;
      }
      if (name === "InternalError" && /stack overflow/i.test(text)) {
        this.retired = true;
        return { code: "stack_overflow", message: `the script exceeded its stack limit of ${limits.stackBytes} bytes` };
      }
      if (name === "ResultTooLarge") return { code: "result_too_large", message: text };
      if (name === "PermissionDenied") return { code: "permission_denied", message: text };
      const label = typeof name === "string" && name !== "" ? `${name}: ${text}` : text;
      return typeof stack === "string" && stack !== "" ? { code: "script_error", message: label, stack } : { code: "script_error", message: label };
    }
    // Not a guest exception: the host failed inside QuickJS (a wasm trap, or memory exhausted while the host
    // was building a value). Neither the runtime nor, for a trap, the wasm module can be trusted again.
    this.retired = true;
    const message = error instanceof Error ? error.message : String(error);
    if (/out of memory/i.test(message)) return memoryExceeded;
    return { code: "sandbox_crashed", message: `the sandbox crashed: ${message}` };
  }
}

/** The UTF-8 size of `json`, encoding it only when that decides against `limit` (at most three bytes per unit). */
function jsonBytes(json: string, limit: number): number {
  return json.length * 3 <= limit ? json.length : new TextEncoder().encode(json).byteLength;
}

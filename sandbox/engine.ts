import releaseSyncVariant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, newVariant, type CustomizeVariantOptions, type QuickJSWASMModule } from "quickjs-emscripten-core";
// A relative path ending in .wasm is the one specifier that wrangler's bundler, workerd and the vitest pool all
// accept; the package's "./wasm" export is rejected by wrangler (see ../shared/spec/platform.md).
import wasmModule from "../node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm";

/** One instance of the QuickJS wasm module. Every runtime in an isolate lives inside the same one. */
export interface Engine {
  readonly module: QuickJSWASMModule;
  readonly generation: number;
  /**
   * Asked before the wasm memory grows to `bytes`; false refuses, and the allocation that needed it fails inside
   * QuickJS ("out of memory"). The slot running guest code sets it (see Slot.enter); otherwise growth is free.
   */
  mayGrowTo: (bytes: number) => boolean;
  /**
   * Set when the module aborted (a failed assertion inside QuickJS, such as freeing a runtime that still holds
   * objects): the module stays callable but its heap cannot be trusted, so its owner discards it.
   */
  readonly aborted: boolean;
}

const ALWAYS = () => true;

/**
 * QuickJS's own memory limit misses most allocations in this build (its accounting cannot see block sizes), and
 * the interrupt handler polls too rarely to stop a loop of large native allocations ("x".repeat(1e6)), which
 * would otherwise grow the heap by gigabytes first. Growth is the one step every such loop takes, so it is
 * checked there.
 */
function guardGrowth(engine: Engine): Engine {
  const memory = engine.module.getWasmMemory();
  const grow = memory.grow.bind(memory);
  memory.grow = (pages: number) => {
    if (!engine.mayGrowTo(memory.buffer.byteLength + pages * 65536)) throw new RangeError("the call's memory limit refuses this growth");
    return grow(pages);
  };
  return engine;
}

let current: Promise<Engine> | undefined;
let generation = 0;

/** The isolate's engine, instantiated on first use (~16 MB of linear memory, ~14 ms). */
export function loadEngine(): Promise<Engine> {
  current ??= instantiate();
  return current;
}

async function instantiate(): Promise<Engine> {
  const abort = { seen: false };
  // Emscripten calls onAbort before it throws; the option is passed through to it verbatim (untyped there).
  const emscriptenModule = { onAbort: () => (abort.seen = true) } as CustomizeVariantOptions["emscriptenModule"];
  try {
    const module = await newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, { wasmModule, emscriptenModule }));
    return guardGrowth({
      module,
      generation: ++generation,
      mayGrowTo: ALWAYS,
      get aborted() {
        return abort.seen;
      },
    });
  } catch (error) {
    current = undefined;
    throw error;
  }
}

/**
 * Drops the engine after a wasm trap: its linear memory may be corrupt. Runtimes of that generation are
 * abandoned by their owners, and the next call instantiates a fresh module.
 */
export function discardEngine(engine: Engine): void {
  void current?.then((live) => {
    if (live === engine) current = undefined;
  });
}

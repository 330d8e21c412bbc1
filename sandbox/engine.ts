import releaseSyncVariant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
// A relative path ending in .wasm is the one specifier that wrangler's bundler, workerd and the vitest pool all
// accept; the package's "./wasm" export is rejected by wrangler (see ../shared/spec/platform.md).
import wasmModule from "../node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm";

/** One instance of the QuickJS wasm module. Every runtime in an isolate lives inside the same one. */
export interface Engine {
  readonly module: QuickJSWASMModule;
  readonly generation: number;
}

let current: Promise<Engine> | undefined;
let generation = 0;

/** The isolate's engine, instantiated on first use (~16 MB of linear memory, ~14 ms). */
export function loadEngine(): Promise<Engine> {
  current ??= newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, { wasmModule })).then(
    (module) => ({ module, generation: ++generation }),
    (error: unknown) => {
      current = undefined;
      throw error;
    },
  );
  return current;
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

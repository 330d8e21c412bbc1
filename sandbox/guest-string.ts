import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";

/**
 * The internals of a quickjs-emscripten-core 0.32 context that `newGuestString` uses. The package is pinned to
 * that exact version; if they are missing, `newGuestString` falls back to the public `newString`.
 */
interface ContextInternals {
  readonly module: { _malloc(bytes: number): number; _free(pointer: number): void; HEAPU8: Uint8Array };
  readonly ffi: { QTS_NewString(ctx: number, pointer: number): number };
  readonly ctx: { readonly value: number };
  readonly memory: { heapValueHandle(pointer: number): QuickJSHandle };
}

const encoder = new TextEncoder();

/**
 * A guest string of `text`. quickjs-emscripten's `newString` encodes UTF-8 in a JavaScript loop (12 µs for a
 * 1.2 KB argument text on the bench machine); this lets the platform's TextEncoder write the bytes into the wasm
 * heap instead. `text` must not contain U+0000, which ends a C string (JSON text never does).
 */
export function newGuestString(context: QuickJSContext, text: string): QuickJSHandle {
  const internals = context as unknown as Partial<ContextInternals>;
  const { module, ffi, ctx, memory } = internals;
  if (module?._malloc === undefined || ffi?.QTS_NewString === undefined || ctx === undefined || memory === undefined) {
    return context.newString(text);
  }
  const capacity = text.length * 3 + 1;
  const pointer = module._malloc(capacity);
  if (pointer === 0) throw new Error("out of memory");
  try {
    const { written } = encoder.encodeInto(text, module.HEAPU8.subarray(pointer, pointer + capacity - 1));
    module.HEAPU8[pointer + written] = 0;
    return memory.heapValueHandle(ffi.QTS_NewString(ctx.value, pointer));
  } finally {
    module._free(pointer);
  }
}

// Wrangler's CompiledWasm rule turns a .wasm import into a precompiled WebAssembly.Module.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

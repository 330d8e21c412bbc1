// Wrangler's CompiledWasm rule turns a .wasm import into a precompiled WebAssembly.Module.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

// Wrangler's Text rule (wrangler.toml) turns the @formulajs/formulajs browser bundle into its source text.
declare module "*/formula.min.js" {
  const source: string;
  export default source;
}

// Wrangler's Text rule turns the operator console's generated bundle (scripts/build-console.js) into its text.
declare module "*/console/build/hookflow-console.js" {
  const source: string;
  export default source;
}
declare module "*/console/build/hookflow-console.css" {
  const source: string;
  export default source;
}

import { Sandbox } from "../sandbox";

/** The isolate's one sandbox: one QuickJS wasm module, shared by every request this isolate serves. */
export const sandbox = new Sandbox();

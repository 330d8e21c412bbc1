import { recordSandboxCall } from "../metrics/record";
import { Sandbox } from "../sandbox";
import { FIREBOOM_CTX_DECORATOR, FIREBOOM_CTX_SOURCE } from "./fireboom/context";

/**
 * The isolate's one sandbox: one QuickJS wasm module, shared by every request this isolate serves.
 * Decorators build what a script's default export receives (the Fireboom hooks' `ctx`).
 */
export const sandbox = new Sandbox({ decorators: { [FIREBOOM_CTX_DECORATOR]: FIREBOOM_CTX_SOURCE }, onOutcome: recordSandboxCall });

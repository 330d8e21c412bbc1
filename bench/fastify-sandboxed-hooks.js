// The sandboxed peer for `npm run bench:hooks`: what a Node user would build to run Fireboom hooks in a sandbox.
// Fastify 4 with quickjs-emscripten (the same release-sync wasm build hookflow uses): one warm QuickJS context per
// script, the hook module evaluated once; per request the body's JSON goes in as one string, the guest parses it,
// deep-freezes the ctx, calls the hook and hands back the reply's JSON as one string. A CPU deadline and a memory
// limit bound each call. Listens on 127.0.0.1:$PORT, prints "ready".
import variant from "@jitl/quickjs-wasmfile-release-sync";
import Fastify from "fastify";
import { newQuickJSWASMModuleFromVariant, shouldInterruptAfterDeadline } from "quickjs-emscripten-core";

const HOOK_SOURCE = `export default function (ctx) {
  return { ...ctx.input, createdBy: ctx.user.userId };
}`;

const module = await newQuickJSWASMModuleFromVariant(variant);
const runtime = module.newRuntime();
runtime.setMemoryLimit(32 * 1024 * 1024);
runtime.setMaxStackSize(256 * 1024);
const context = runtime.newContext();
const namespace = context.unwrapResult(context.evalCode(HOOK_SOURCE, "hook.js", { type: "module" }));
const hook = context.getProp(namespace, "default");
namespace.dispose();
const call = context.unwrapResult(
  context.evalCode(`(hook) => {
    const deepFreeze = (value) => {
      if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const key of Object.keys(value)) deepFreeze(value[key]);
      }
      return value;
    };
    return (json) => {
      const { __wg, input } = JSON.parse(json);
      const ctx = deepFreeze({ user: __wg && __wg.user, clientRequest: __wg && __wg.clientRequest, input: input || {} });
      return JSON.stringify({ op: "Todo/CreateOne", hook: "mutatingPreResolve", input: hook(ctx) });
    };
  }`),
);
const invoke = context.unwrapResult(context.callFunction(call, context.undefined, hook));
call.dispose();
hook.dispose();

function runHook(json) {
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + 50));
  return context.newString(json).consume((argument) => {
    const result = context.callFunction(invoke, context.undefined, argument);
    if (result.error) {
      const error = context.dump(result.error);
      result.error.dispose();
      throw new Error(String(error?.message ?? error));
    }
    return result.value.consume((value) => context.getString(value));
  });
}

const app = Fastify({ logger: false });
// The body as text: the guest parses it (a JSON body parsed by Fastify would be parsed twice).
app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => done(null, body));
app.post("/operation/Todo/CreateOne/mutatingPreResolve", async (request, reply) => {
  try {
    return reply.type("application/json").send(runHook(request.body));
  } catch (error) {
    return reply.code(500).send({ hook: "mutatingPreResolve", error: error.message });
  }
});
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
console.log("ready");

import type { BambooScripts, ServiceCall, ServiceInfo, ServiceResult } from "./service";

/**
 * Components the engine provides itself, used when the project has no `component/{code}` script of that code.
 * `noop` succeeds without entering the sandbox: the engine's own cost per node, and a placeholder in trees.
 * `wait_event` waits for the correlated event of its inputs `name` and `correlation_key` (event-wait.ts) and
 * outputs its `payload`.
 */
const BUILTIN_COMPONENTS: Readonly<Record<string, { info: ServiceInfo; call: (call: ServiceCall) => ServiceResult }>> = {
  noop: {
    info: { needSchedule: false, interval: null, multiCallback: false, needRunHook: false },
    call: (call) => ({ returned: true, outputs: call.outputs, scheduleFinished: false }),
  },
  wait_event: {
    info: { needSchedule: true, interval: null, multiCallback: false, needRunHook: false },
    call: waitEvent,
  },
};

function waitEvent(call: ServiceCall): ServiceResult {
  if (call.method === "schedule") return { returned: true, outputs: { ...call.outputs, payload: call.callbackData ?? null }, scheduleFinished: true };
  if (call.method !== "execute") return { returned: null, outputs: call.outputs, scheduleFinished: false, missing: true };
  const { name, correlation_key: key } = call.inputs;
  // A key rendered from a number (an order id) is that number's text.
  const correlationKey = typeof key === "number" ? String(key) : key;
  if (typeof name !== "string" || name === "" || typeof correlationKey !== "string" || correlationKey === "") {
    return { returned: false, threw: "wait_event needs the inputs name and correlation_key as non-empty strings", outputs: call.outputs, scheduleFinished: false };
  }
  return { returned: true, outputs: call.outputs, scheduleFinished: false, waitForEvent: { name, correlationKey } };
}

export function isBuiltinComponent(code: string): boolean {
  return Object.hasOwn(BUILTIN_COMPONENTS, code);
}

/** The run's scripts, falling back to a built-in component when the project has no script of that code. */
export function withBuiltinComponents(scripts: BambooScripts, hasComponent: (code: string) => boolean): BambooScripts {
  const builtin = (code: string) => (!hasComponent(code) && isBuiltinComponent(code) ? BUILTIN_COMPONENTS[code] : undefined);
  return {
    service: async (code) => builtin(code)?.info ?? scripts.service(code),
    callService: async (code, call) => {
      const component = builtin(code);
      return component === undefined ? scripts.callService(code, call) : component.call(call);
    },
    lazyValue: (code, value, context) => scripts.lazyValue(code, value, context),
    endEvent: (code, stack, root) => scripts.endEvent(code, stack, root),
  };
}

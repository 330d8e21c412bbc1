import type { BambooScripts, ServiceCall, ServiceInfo, ServiceResult } from "./service";

/**
 * Components the engine provides itself, used when the project has no `component/{code}` script of that code.
 * `noop` succeeds without entering the sandbox: the engine's own cost per node, and a placeholder in trees.
 */
const BUILTIN_COMPONENTS: Readonly<Record<string, { info: ServiceInfo; call: (call: ServiceCall) => ServiceResult }>> = {
  noop: {
    info: { needSchedule: false, interval: null, multiCallback: false, needRunHook: false },
    call: (call) => ({ returned: true, outputs: call.outputs, scheduleFinished: false }),
  },
};

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

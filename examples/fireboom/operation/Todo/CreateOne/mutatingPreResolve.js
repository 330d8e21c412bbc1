// V3: stamp the creator onto the input. The returned object replaces the variables entirely,
// so always return the complete input.

/** @type {import("hookflow/fireboom").MutatingPreResolveHook<{title: string, createdBy?: string}>} */
export default function mutatingPreResolve(ctx) {
  return { ...ctx.input, createdBy: ctx.user?.userId ?? "anonymous" };
}

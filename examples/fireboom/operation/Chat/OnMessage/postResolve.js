// V8: runs for every subscription message, and once more without a response when the client goes away.
// user, input and response may all be missing.

/** @type {import("hookflow/fireboom").PostResolveHook} */
export default function postResolve(ctx) {
  if (ctx.response === undefined) {
    ctx.log.info("chat subscription closed");
    return;
  }
  ctx.log.debug(`message for ${ctx.user?.userId ?? "anonymous"}`);
}

// V2: reject titles shorter than 3 characters. Throwing fails the operation
// (the client gets 500 "hooks pipeline failed: title too short").

/** @type {import("hookflow/fireboom").PreResolveHook<{title?: string}>} */
export default function preResolve(ctx) {
  const title = ctx.input.title ?? "";
  if (title.trim().length < 3) throw new Error("title too short");
  ctx.log.info(`creating todo "${title}" for ${ctx.user?.userId ?? "anonymous"}`);
}

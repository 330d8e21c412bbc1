// V19: called after storing, also when storing failed (then ctx.error is set).

/** @type {import("hookflow/fireboom").PostUploadHook<{postId?: number}>} */
export default function postUpload(ctx) {
  if (ctx.error) {
    console.error(`upload of ${ctx.file.name} failed: ${ctx.error.message}`);
    return;
  }
  console.log(`stored ${ctx.file.name} (${ctx.file.size} bytes) for post ${ctx.meta?.postId}`);
}

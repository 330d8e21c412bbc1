// V18: storage "minio", upload profile "avatar". Only PNG files; stored under avatars/{userId}/.
// Throwing rejects the file (the client gets 400).

/** @type {import("hookflow/fireboom").PreUploadHook<{postId?: number}>} */
export default function preUpload(ctx) {
  if (ctx.file.type !== "image/png") throw new Error("only png allowed");
  if (ctx.file.size > 5 * 1024 * 1024) throw new Error("avatar larger than 5 MiB");
  return { fileKey: `avatars/${ctx.user?.userId ?? "anonymous"}/${ctx.file.name}` };
}

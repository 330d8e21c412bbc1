// V20: GET /operations/function/hello?name=bob → {"data":{"msg":"hello bob"}}.
// The operation's type and schemas are declared in hello.json next to this file
// (`hookflow fireboom-stubs` turns it into Fireboom's function/hello.json).

/** @type {import("hookflow/fireboom").FunctionHook<{name?: string}, {msg: string}>} */
export default function hello(ctx) {
  const name = ctx.input.name ?? ctx.user?.name ?? "world";
  return { data: { msg: `hello ${name}` } };
}

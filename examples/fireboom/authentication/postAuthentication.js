// V14: called after login / token validation. Throwing makes the login fail.

/** @type {import("hookflow/fireboom").PostAuthenticationHook} */
export default function postAuthentication(ctx) {
  if (!ctx.user.userId) throw new Error("user without id");
  const expires = ctx.accessToken?.exp;
  console.log(`login of ${ctx.user.userId}${typeof expires === "number" ? `, token expires ${new Date(expires * 1000).toISOString()}` : ""}`);
}

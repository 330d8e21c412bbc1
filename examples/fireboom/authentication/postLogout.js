// V17: called on logout (cookies are already cleared); the return value is ignored.

/** @type {import("hookflow/fireboom").PostLogoutHook} */
export default function postLogout(ctx) {
  console.log(`logout of ${ctx.user.userId ?? "unknown user"}`);
}

// V15: decide whether the user gets in, and with which user object (it replaces Fireboom's).

/** @type {import("hookflow/fireboom").MutatingPostAuthenticationHook} */
export default function mutatingPostAuthentication(ctx) {
  const { user } = ctx;
  if (user.customClaims?.locked === true) return { status: "deny", message: "account locked" };
  return {
    status: "ok",
    user: {
      userId: user.userId,
      name: user.name,
      email: user.email,
      roles: [...(user.roles ?? []), "editor"],
      customClaims: user.customClaims,
    },
  };
}

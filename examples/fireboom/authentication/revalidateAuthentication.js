// V16: GET /auth/user?revalidate. Re-reads the user's roles (here from a static admin list).
import { ADMINS } from "../lib/todo";

/** @type {import("hookflow/fireboom").RevalidateAuthenticationHook} */
export default function revalidateAuthentication(ctx) {
  const { provider, providerId, userId, email } = ctx.user;
  if (!userId) return { status: "deny", message: "unknown user" };
  return { status: "ok", user: { provider, providerId, userId, email, roles: ADMINS.includes(userId) ? ["admin"] : ["user"] } };
}

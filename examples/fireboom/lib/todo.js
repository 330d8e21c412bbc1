// Shared helpers for the Todo example. Any script may import them relatively, with or without ".js":
//   import { upperTitle } from "../../../lib/todo";

/** The tenant of a user, from the `tenant` custom claim. */
export function tenantOf(user) {
  return user?.customClaims?.tenant;
}

/** A copy of a todo with its title in capitals. */
export function upperTitle(todo) {
  return todo && typeof todo.title === "string" ? { ...todo, title: todo.title.toUpperCase() } : todo;
}

/** A copy of a header map without the named headers (case-insensitive). */
export function withoutHeaders(headers, ...names) {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !drop.has(name.toLowerCase())));
}

/** Decodes a standard base64 string of UTF-8 JSON. */
export function decodeJsonBase64(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Encodes a value as standard, padded base64 of its UTF-8 JSON. */
export function encodeJsonBase64(value) {
  let binary = "";
  for (const byte of new TextEncoder().encode(JSON.stringify(value))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Users who become admins on revalidation. */
export const ADMINS = ["u_1"];

/** Token sent to the chat data source's graphql-ws connection_init. */
export const CHAT_WS_TOKEN = "abc";

// Shared helpers for the Todo example. Any script may import them relatively, with or without ".js":
//   import { upperTitle } from "../../../lib/todo";

/**
 * The tenant of a user, from the `tenant` custom claim.
 * @param {import("hookflow/fireboom").DeepReadonly<import("hookflow/fireboom").User> | undefined} user
 * @returns {string | undefined}
 */
export function tenantOf(user) {
  const tenant = user?.customClaims?.tenant;
  return typeof tenant === "string" ? tenant : undefined;
}

/**
 * A copy of a todo with its title in capitals.
 * @template T
 * @param {T} todo
 * @returns {T}
 */
export function upperTitle(todo) {
  if (todo === null || typeof todo !== "object" || !("title" in todo) || typeof todo.title !== "string") return todo;
  return { ...todo, title: todo.title.toUpperCase() };
}

/**
 * A copy of a header map without the named headers (case-insensitive).
 * @param {Readonly<Record<string, string>> | undefined} headers
 * @param {...string} names
 * @returns {Record<string, string>}
 */
export function withoutHeaders(headers, ...names) {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !drop.has(name.toLowerCase())));
}

/**
 * Decodes a standard base64 string of UTF-8 JSON.
 * @param {string} base64
 * @returns {any}
 */
export function decodeJsonBase64(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Encodes a value as standard, padded base64 of its UTF-8 JSON.
 * @param {unknown} value
 * @returns {string}
 */
export function encodeJsonBase64(value) {
  let binary = "";
  for (const byte of new TextEncoder().encode(JSON.stringify(value))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Users who become admins on revalidation. */
export const ADMINS = ["u_1"];

/** Token sent to the chat data source's graphql-ws connection_init. */
export const CHAT_WS_TOKEN = "abc";

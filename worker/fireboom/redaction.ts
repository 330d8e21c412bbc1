/** What a redacted value becomes. */
export const REDACTED = "[redacted]";

/**
 * Header names whose values are credentials: the standard ones, and any name that says token, secret, password,
 * API key, session or signature (X-Auth-Token, X-Amz-Security-Token, X-Hub-Signature, …).
 */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|passw|api-?key|session|signature|credential/i;

/** Fireboom's user fields that hold the raw tokens (the same credential as the Authorization header). */
const SECRET_FIELDS = new Set(["rawAccessToken", "rawIdToken"]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A JSON.stringify replacer that writes "[redacted]" for the credentials of a recorded hook call: the values of
 * secret headers in every `headers` object (or list of pairs), at any depth and in any letter case, and the user's raw tokens. The
 * value itself is left alone (the hook's reply still uses it).
 */
export function redactSecrets(this: unknown, key: string, value: unknown): unknown {
  if (SECRET_FIELDS.has(key) && typeof value === "string") return REDACTED;
  if (key.toLowerCase() !== "headers") return value;
  if (Array.isArray(value)) return value.map(redactPair);
  if (!isObject(value)) return value;
  const headers: Record<string, unknown> = {};
  for (const [name, headerValue] of Object.entries(value)) headers[name] = SECRET_HEADER.test(name) ? REDACTED : headerValue;
  return headers;
}

/** Headers as `[name, value]` pairs (the Fetch API's form). */
const redactPair = (pair: unknown): unknown =>
  Array.isArray(pair) && pair.length === 2 && typeof pair[0] === "string" && SECRET_HEADER.test(pair[0]) ? [pair[0], REDACTED] : pair;

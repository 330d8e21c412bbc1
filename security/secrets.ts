/** Keys are random (192 bits), shown once, and stored only as SHA-256 hashes. */

const encoder = new TextEncoder();

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two secrets in constant time (by their digests, so lengths may differ). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  return crypto.subtle.timingSafeEqual(encoder.encode(da), encoder.encode(db));
}

export interface ApiKey {
  readonly project: string;
  readonly keyId: string;
  readonly token: string;
}

/**
 * An API key names its project and key id (`hf_<project>.<keyId>.<secret>`): a key used on another project can
 * then be told apart from a wrong key (404 rather than 401) without any global index of keys.
 */
export function newApiKey(project: string): ApiKey {
  const keyId = `k${randomSecret().slice(0, 10)}`;
  return { project, keyId, token: `hf_${project}.${keyId}.${randomSecret()}` };
}

export function parseApiKey(token: string): Omit<ApiKey, "token"> | undefined {
  const match = /^hf_([a-z0-9][a-z0-9-]{0,62})\.(k[A-Za-z0-9_-]{10})\.[A-Za-z0-9_-]{32}$/.exec(token);
  return match ? { project: match[1]!, keyId: match[2]! } : undefined;
}

export function newHookKey(): string {
  return `hk_${randomSecret()}`;
}

/** The bearer token of GET /metrics besides the admin token (rotated with POST /v1/metrics/scrape-token). */
export function newScrapeToken(): string {
  return `hm_${randomSecret()}`;
}

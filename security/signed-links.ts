/**
 * Signed links: URLs that act without an API key (a pending job's resume URL, a manual task's URL, a webhook
 * trigger's URL). The token carries what it acts on, in the clear, and an HMAC-SHA256 of that under the project's
 * signing secret, so the server needs no table of issued links and a changed byte fails verification.
 */

export type SignedLink =
  | { readonly kind: "job"; readonly project: string; readonly execution: string; readonly job: number }
  | { readonly kind: "task"; readonly project: string; readonly execution: string; readonly task: number; readonly assignee: string }
  | { readonly kind: "webhook"; readonly project: string; readonly workflow: string };

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** A new random signing secret (256 bits). */
export function newSigningSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function signLink(secret: string, link: SignedLink): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify(link)));
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(payload)));
  return `${payload}.${base64url(signature)}`;
}

/** The link a token claims, before verification: only to find the project whose secret verifies it. */
export function claimedLink(token: string): SignedLink | undefined {
  const payload = fromBase64url(token.split(".")[0] ?? "");
  if (payload === undefined) return undefined;
  try {
    const link = JSON.parse(new TextDecoder().decode(payload)) as SignedLink;
    return link !== null && typeof link === "object" && typeof link.project === "string" ? link : undefined;
  } catch {
    return undefined;
  }
}

/** The link, when the token's signature holds under `secret` (compared in constant time by WebCrypto). */
export async function verifyLink(secret: string, token: string): Promise<SignedLink | undefined> {
  const [payload, signature, extra] = token.split(".");
  if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
  const bytes = fromBase64url(signature);
  if (bytes === undefined) return undefined;
  const valid = await crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), bytes, encoder.encode(payload));
  return valid ? claimedLink(token) : undefined;
}

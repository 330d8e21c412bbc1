import { Buffer } from "node:buffer";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signed links: URLs that act without an API key (a pending job's resume URL, a manual task's URL, a bamboo
 * callback node's URL, a webhook trigger's URL). The token carries what it acts on, in the clear, and an
 * HMAC-SHA256 of that under the project's signing secret, so the server needs no table of issued links and a
 * changed byte fails verification. Synchronous (node:crypto), because an engine asks for a node's URL while it
 * renders a synchronous view.
 */

export type SignedLink =
  | { readonly kind: "job"; readonly project: string; readonly execution: string; readonly job: number }
  | { readonly kind: "task"; readonly project: string; readonly execution: string; readonly task: number; readonly assignee: string }
  | { readonly kind: "callback"; readonly project: string; readonly run: string; readonly node: string; readonly version: string }
  | { readonly kind: "webhook"; readonly project: string; readonly workflow: string };

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

const signatureOf = (secret: string, payload: string): Buffer => createHmac("sha256", secret).update(payload).digest();

/** How long links signed before a rotation of the signing secret keep working, unless the project says otherwise. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 7 * 24 * 3600;

/** The URL of a signed link token at `origin` (e.g. `https://hooks.example.com`). */
export function signedUrl(origin: string, token: string): string {
  return `${origin}/v1/signed/${token}`;
}

/** A new random signing secret (256 bits). */
export function newSigningSecret(): string {
  return base64url(randomBytes(32));
}

export function signLink(secret: string, link: SignedLink): string {
  const payload = base64url(Buffer.from(JSON.stringify(link)));
  return `${payload}.${base64url(signatureOf(secret, payload))}`;
}

/** The link a token claims, before verification: only to find the project whose secret verifies it. */
export function claimedLink(token: string): SignedLink | undefined {
  const payload = token.split(".")[0] ?? "";
  if (!/^[A-Za-z0-9_-]*$/.test(payload)) return undefined;
  try {
    const link = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SignedLink;
    return link !== null && typeof link === "object" && typeof link.project === "string" ? link : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The link, when the token's signature holds under one of `secrets` (the current one, and during a rotation's
 * overlap the previous one), compared in constant time.
 */
export function verifyLink(secrets: readonly string[], token: string): SignedLink | undefined {
  const [payload, signature, extra] = token.split(".");
  if (payload === undefined || signature === undefined || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
  const given = Buffer.from(signature, "base64url");
  // Only the canonical spelling: the last character's spare bits would otherwise let a changed URL still verify.
  if (base64url(given) !== signature) return undefined;
  const valid = secrets.some((secret) => {
    const expected = signatureOf(secret, payload);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return valid ? claimedLink(token) : undefined;
}

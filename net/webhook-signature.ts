/** The header that carries a subscription delivery's signature. */
export const SIGNATURE_HEADER = "X-Hookflow-Signature";

/**
 * `sha256=` and the lowercase hex HMAC-SHA256 of the exact request body bytes, keyed with the subscription's
 * secret (its UTF-8 bytes, `whsec_` prefix included). A receiver recomputes it over the raw body it read.
 */
export async function webhookSignature(secret: string, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

import { describe, expect, it } from "vitest";
import { newSigningSecret, signLink, verifyLink } from "./signed-links";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const link = { kind: "job", project: "p", execution: "e1", job: 3 } as const;

describe("signed links", () => {
  it("verify under the secret that signed them, and under no other", () => {
    const secret = newSigningSecret();
    const token = signLink(secret, link);
    expect(verifyLink([secret], token)).toEqual(link);
    expect(verifyLink([newSigningSecret(), secret], token)).toEqual(link);
    expect(verifyLink([newSigningSecret()], token)).toBeUndefined();
  });

  it("refuse a signature whose last character differs only in its spare bits (a non-canonical spelling)", () => {
    const secret = newSigningSecret();
    const token = signLink(secret, link);
    const last = token.at(-1)!;
    // 32 bytes take 43 characters: the last one carries 4 bits, so flipping its lowest bit decodes to the same bytes.
    const twin = ALPHABET[ALPHABET.indexOf(last) ^ 1]!;
    expect(verifyLink([secret], token.slice(0, -1) + twin)).toBeUndefined();
  });

  it("refuse a changed payload, a missing signature and extra parts", () => {
    const secret = newSigningSecret();
    const [payload, signature] = signLink(secret, link).split(".");
    const other = signLink(secret, { ...link, job: 4 }).split(".")[0];
    expect(verifyLink([secret], `${other}.${signature}`)).toBeUndefined();
    expect(verifyLink([secret], `${payload}`)).toBeUndefined();
    expect(verifyLink([secret], `${payload}.${signature}.x`)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { normalizeResult, roundDecimals } from "./normalize";

describe("result normalisation", () => {
  it("rounds numbers to 9 decimals without binary error", () => {
    expect(normalizeResult(0.1 + 0.2)).toBe(0.3);
    expect(normalizeResult(1 / 3)).toBe(0.333333333);
    expect(normalizeResult(-2 / 3)).toBe(-0.666666667);
    expect(roundDecimals(1.005, 2)).toBe(1.01);
    expect(normalizeResult(1.5e-10)).toBe(0);
    expect(normalizeResult(1e300)).toBe(1e300);
    expect(normalizeResult(123456789.1234)).toBe(123456789.1234);
  });

  it("turns NaN and ±Infinity into null and leaves other values alone", () => {
    expect([NaN, Infinity, -Infinity].map(normalizeResult)).toEqual([null, null, null]);
    const value = { a: 0.1 + 0.2 };
    expect(normalizeResult(value)).toBe(value);
    expect(normalizeResult("1.23456789012")).toBe("1.23456789012");
  });
});

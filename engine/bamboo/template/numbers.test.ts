// Expected values are CPython 3.11's.
import { describe, expect, it } from "vitest";
import { PyError } from "./errors";
import { floatRepr, formatExponential, formatFixed, formatGeneral, parseFloatLiteral, parseIntLiteral, roundFloat, roundInt, roundToInt } from "./numbers";
import { stringRepr } from "./text";

describe("floatRepr", () => {
  it.each([
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123456789012345678, "1.2345678901234568e+17"],
    [0.1, "0.1"],
    [1e-4, "0.0001"],
    [1e-5, "1e-05"],
    [1e22, "1e+22"],
    [1e15, "1000000000000000.0"],
    [2, "2.0"],
    [-0, "-0.0"],
    [Number.NaN, "nan"],
    [-Infinity, "-inf"],
  ])("%s → %s", (x, expected) => {
    expect(floatRepr(x)).toBe(expected);
  });
});

describe("formatting rounds the exact binary value half-to-even", () => {
  it("fixed", () => {
    expect(formatFixed(2.0005, 3)).toBe("2.001");
    expect(formatFixed(0.05, 1)).toBe("0.1");
    expect(formatFixed(0.125, 2)).toBe("0.12");
    expect(formatFixed(2.5, 0)).toBe("2");
    expect(formatFixed(-0.001, 2)).toBe("-0.00");
    expect(formatFixed(0.1, 20)).toBe("0.10000000000000000555");
  });

  it("exponential and general", () => {
    expect(formatExponential(0, 6)).toBe("0.000000e+00");
    expect(formatExponential(12345.678, 6)).toBe("1.234568e+04");
    expect(formatGeneral(1e100, 6, false)).toBe("1e+100");
    expect(formatGeneral(1234.5, 3, false)).toBe("1.23e+03");
    expect(formatGeneral(0.5, 6, false)).toBe("0.5");
    expect(formatGeneral(1, 6, true)).toBe("1.00000");
  });

  it("round()", () => {
    expect([roundToInt(0.5), roundToInt(1.5), roundToInt(-1.5)]).toEqual([0, 2, -2]);
    expect(roundFloat(0.285, 2)).toBe(0.28);
    expect(roundFloat(2.675, 2)).toBe(2.67);
    expect(roundFloat(1e300, -300)).toBe(1e300);
    expect([roundInt(5, -1), roundInt(-15, -1), roundInt(1250, -2)]).toEqual([0, -20, 1200]);
    expect(() => roundToInt(Number.NaN)).toThrow(PyError);
  });
});

describe("int() and float() of strings", () => {
  it("accepts what Python accepts", () => {
    expect(parseIntLiteral(" -1_0 ")).toBe(-10);
    expect(parseIntLiteral("+7")).toBe(7);
    expect(parseIntLiteral("0x1f", 16)).toBe(31);
    expect(parseFloatLiteral(" 1e3 ")).toBe(1000);
    expect(parseFloatLiteral("-Infinity")).toBe(-Infinity);
    expect(parseFloatLiteral(".5")).toBe(0.5);
  });

  it("rejects the rest with Python's message", () => {
    expect(() => parseIntLiteral("1.5")).toThrow("ValueError: invalid literal for int() with base 10: '1.5'");
    expect(() => parseIntLiteral("1__0")).toThrow(PyError);
    expect(() => parseIntLiteral("12", 2)).toThrow(PyError);
    expect(() => parseFloatLiteral("abc")).toThrow("ValueError: could not convert string to float: 'abc'");
  });
});

describe("stringRepr", () => {
  it("quotes and escapes like Python", () => {
    expect(stringRepr(`a'b"c`)).toBe(String.raw`'a\'b"c'`);
    expect(stringRepr("it's")).toBe(`"it's"`);
    expect(stringRepr("\x00\x7f\xa0\u2028")).toBe(String.raw`'\x00\x7f\xa0\u2028'`);
    expect(stringRepr("tab\there\\")).toBe(String.raw`'tab\there\\'`);
    expect(stringRepr("héllo😀")).toBe("'héllo😀'");
  });
});

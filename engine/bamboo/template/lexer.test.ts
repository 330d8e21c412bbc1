import { describe, expect, it } from "vitest";
import { PyError } from "./errors";
import { tokenize } from "./lexer";
import { PyFloat } from "./values";

const values = (source: string) => tokenize(source).map((token) => (token.type === "end" ? "<end>" : token.value));

describe("tokenize", () => {
  it("splits names, operators and numbers, longest operator first", () => {
    expect(values("a.b(x)**2 // 3 <= y != z")).toEqual(["a", ".", "b", "(", "x", ")", "**", 2, "//", 3, "<=", "y", "!=", "z", "<end>"]);
  });

  it("keeps ints and floats apart", () => {
    const [int, float, exponent, leadingDot, separated] = tokenize("5 5.0 1e3 .5 1_000");
    expect(int).toMatchObject({ type: "number", value: 5 });
    expect(float).toMatchObject({ type: "number", value: new PyFloat(5) });
    expect(exponent).toMatchObject({ value: new PyFloat(1000) });
    expect(leadingDot).toMatchObject({ value: new PyFloat(0.5) });
    expect(separated).toMatchObject({ value: 1000 });
  });

  it("reads hex, octal and binary ints", () => {
    expect(values("0x1f 0o17 0b11")).toEqual([31, 15, 3, "<end>"]);
  });

  it("reads strings in either quote with Python escapes", () => {
    expect(values(String.raw`'it\'s' "a\tb" "\x41\u00e9" '\q' """tri"ple"""`)).toEqual(["it's", "a\tb", "Aé", "\\q", 'tri"ple', "<end>"]);
  });

  it("keeps backslashes in raw strings", () => {
    expect(values(String.raw`r"a\nb"`)).toEqual([String.raw`a\nb`, "<end>"]);
  });

  it.each([
    ["unterminated string", `"abc`],
    ["leading zeros", "007"],
    ["a letter after a number", "1abc"],
    ["bit operators", "a | b"],
    ["a line break", "a\nb"],
    ["an int past 2**53", "99999999999999999999"],
  ])("rejects %s", (_, source) => {
    expect(() => tokenize(source)).toThrow(PyError);
  });
});

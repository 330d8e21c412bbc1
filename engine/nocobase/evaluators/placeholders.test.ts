import { describe, expect, it } from "vitest";
import { bindPlaceholders, replacePlaceholders } from "./placeholders";

describe("bindPlaceholders (§4.2 steps 1-2)", () => {
  it("numbers identifiers by first appearance; the same path gets the same identifier", () => {
    const bound = bindPlaceholders("{{a}} + {{ b.c }} * {{a}}", { a: 1, b: { c: 2 } });
    expect(bound).toEqual({ expression: "$$0 + $$1 * $$0", scope: { $$0: 1, $$1: 2 } });
  });

  it("replaces textually: a placeholder inside a quoted literal becomes the literal text $$0", () => {
    const scope = { $context: { data: { title: "t1" } } };
    expect(bindPlaceholders("CONCATENATE('a', '{{$context.data.title}}')", scope).expression).toBe("CONCATENATE('a', '$$0')");
    expect(bindPlaceholders("CONCATENATE('a', {{$context.data.title}})", scope)).toEqual({ expression: "CONCATENATE('a', $$0)", scope: { $$0: "t1" } });
  });

  it("flattens array columns, indexes arrays by number", () => {
    expect(bindPlaceholders("{{a.b}}", { a: [{ b: 1 }, { b: 2 }] }).scope).toEqual({ $$0: [1, 2] });
    expect(bindPlaceholders("{{a.b.c}}", { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }, { c: 4 }] }] }).scope).toEqual({ $$0: [1, 2, 3, 4] });
    expect(bindPlaceholders("{{a.0}}", { a: [1, 2, 3] }).scope).toEqual({ $$0: 1 });
  });

  it("calls functions, and a missing value is null", () => {
    const bound = bindPlaceholders("1 + {{$system.no1}} + {{$system.missing}} + {{a.b}}", { $system: { no1: () => 1 }, a: null });
    expect(bound.scope).toEqual({ $$0: 1, $$1: null, $$2: null });
  });

  it("leaves this.* paths and text that is no placeholder untouched", () => {
    expect(bindPlaceholders("{{this.x}} + {{a|b}} + {{a{b}}}", { this: { x: 1 } })).toEqual({ expression: "{{this.x}} + {{a|b}} + {{a{b}}}", scope: {} });
  });
});

describe("replacePlaceholders", () => {
  it("never scans a replacement again", () => {
    expect(replacePlaceholders("{{a}}-{{b}}", { a: "{{b}}", b: "x" }, (value) => String(value))).toBe("{{b}}-x");
  });
});

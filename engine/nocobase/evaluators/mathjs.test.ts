import { describe, expect, it } from "vitest";
import { evaluateMathjs } from "./mathjs";

describe("math.js engine (limited instance)", () => {
  it("evaluates arithmetic, comparison and logic", () => {
    expect(evaluateMathjs(" 1 + 1 ", {})).toBe(2);
    expect(evaluateMathjs("1 == 1", {})).toBe(true);
    expect(evaluateMathjs("0 == 1", {})).toBe(false);
    expect(evaluateMathjs("$$0 > 1 and equalText($$1, 'x') ? max($$2) : 0", { $$0: 2, $$1: "x", $$2: [3, 9, 4] })).toBe(9);
    expect(evaluateMathjs("false and $$0[5] > 1", { $$0: [] })).toBe(false);
    expect(evaluateMathjs("round(mean($$0), 2) + sum($$0)", { $$0: [1, 2, 2] })).toBe(6.67);
  });

  it("indexes 1-based and reads object properties", () => {
    expect(evaluateMathjs("$$0[1]", { $$0: [1, 2, 3] })).toBe(1);
    expect(evaluateMathjs("$$0.a.b * 2", { $$0: { a: { b: 21 } } })).toBe(42);
    expect(evaluateMathjs("max([1, 5; 7, 2], 1)", {})).toEqual([7, 5]);
  });

  it("answers matrices as arrays, and a Date as its JSON text", () => {
    expect(evaluateMathjs("[1, 2; 3, 4] * 2", {})).toEqual([[2, 4], [6, 8]]);
    expect(evaluateMathjs("$$0 * 2", { $$0: [1, 2] })).toEqual([2, 4]);
    expect(evaluateMathjs("$$0", { $$0: new Date(0) })).toBe("1970-01-01T00:00:00.000Z");
  });

  it("throws a SyntaxError for an expression that does not parse", () => {
    expect(() => evaluateMathjs("1 1", {})).toThrow(SyntaxError);
    let error: unknown;
    try {
      evaluateMathjs("1 1", {});
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/^SyntaxError: /);
  });

  it("refuses what could change the shared instance or make unbounded work, before evaluating anything", () => {
    const refused = ["import({x: 1})", "config({number: 'BigNumber'})", "evaluate('1')", "parse('1')", "zeros(100000, 100000)", "identity(100000)", "map([1], zeros)", "range(1, 1e9)"];
    for (const expression of refused) expect(() => evaluateMathjs(expression, {}), expression).toThrow(/is not available|Undefined function/);
    expect(() => evaluateMathjs("1:100000000", {})).toThrow("Ranges are only supported inside an index");
    expect(() => evaluateMathjs("f(n) = n < 1 ? 1 : f(n - 1) + f(n - 1); f(60)", {})).toThrow("Function definitions are not supported");
    expect(evaluateMathjs("$$0[2:3]", { $$0: [1, 2, 3] })).toEqual([2, 3]);
    expect(evaluateMathjs("pi > 3 and e < 3", {})).toBe(true);
  });

  it("keeps assignments in its own copy of the scope", () => {
    const scope = { $$0: 1 };
    expect(evaluateMathjs("$$0 = 5; x = $$0 + 1", scope)).toEqual({ mathjs: "ResultSet", entries: [6] });
    expect(scope).toEqual({ $$0: 1 });
  });
});

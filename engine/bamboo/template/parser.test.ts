import { describe, expect, it } from "vitest";
import { ForbiddenTemplateError, TemplateSyntaxError } from "./errors";
import { parseExpression } from "./parser";

describe("parseExpression", () => {
  it("follows Python precedence: ** over unary minus over * over +", () => {
    expect(parseExpression("-2**2 + 3*4")).toMatchObject({
      kind: "binary",
      op: "+",
      left: { kind: "unary", op: "-", operand: { kind: "binary", op: "**" } },
      right: { kind: "binary", op: "*" },
    });
  });

  it("keeps chained comparisons as one node", () => {
    expect(parseExpression("a < b <= c not in d")).toMatchObject({ kind: "compare", ops: ["<", "<=", "not in"] });
  });

  it("binds not looser than comparisons and and/or looser still", () => {
    expect(parseExpression("not a == b or c")).toMatchObject({
      kind: "boolean",
      op: "or",
      values: [{ kind: "unary", op: "not", operand: { kind: "compare" } }, { kind: "name", id: "c" }],
    });
  });

  it("parses conditional expressions, comprehensions and slices", () => {
    expect(parseExpression("x if c else y")).toMatchObject({ kind: "conditional" });
    expect(parseExpression("[x for x, y in z if x for w in x]")).toMatchObject({
      kind: "comprehension",
      generators: [{ target: { kind: "tuple" }, conditions: [{ kind: "name" }] }, { target: { kind: "name", id: "w" } }],
    });
    expect(parseExpression("s[::-1]")).toMatchObject({ kind: "slice", lower: undefined, upper: undefined, step: { kind: "unary" } });
  });

  it("parses keyword arguments and a lone generator argument", () => {
    expect(parseExpression("sorted(l, reverse=True)")).toMatchObject({ kind: "call", args: [{ kind: "name" }], keywords: [{ name: "reverse" }] });
    expect(parseExpression('",".join(x for x in l)')).toMatchObject({ kind: "call", args: [{ kind: "comprehension" }] });
  });

  it("tells tuples from parenthesised expressions", () => {
    expect(parseExpression("(1)")).toMatchObject({ kind: "constant", value: 1 });
    expect(parseExpression("(1,)")).toMatchObject({ kind: "tuple" });
    expect(parseExpression("()")).toMatchObject({ kind: "tuple", items: [] });
  });

  it.each(["__import__('os')", "a.__class__", "a._private", "eval('1')", "open", "getattr(a, 'b')", "globals()", "x['__class__']", "[x for __x in l]"])(
    "refuses %s as the safety checker would",
    (source) => {
      expect(() => parseExpression(source)).toThrow(ForbiddenTemplateError);
    },
  );

  it.each(["lambda: 1", "a = 1", "import os", "a +", "f(x=1, 2)", "{1, 2}", "(x for x in l)", "a[1, 2]", "yield"])("rejects %s", (source) => {
    expect(() => parseExpression(source)).toThrow(TemplateSyntaxError);
  });

  it("bounds nesting and chain length instead of overflowing the stack", () => {
    expect(() => parseExpression(`${"(".repeat(500)}1${")".repeat(500)}`)).toThrow(/nested too deeply/);
    expect(() => parseExpression(`${"-".repeat(5000)}1`)).toThrow(/nested too deeply/);
    expect(() => parseExpression(`${"1+".repeat(5000)}1`)).toThrow(/nested too deeply/);
    expect(() => parseExpression(`a${".b()".repeat(500)}`)).toThrow(/nested too deeply/);
    expect(() => parseExpression("1".padEnd(70_000, " "))).toThrow(/too long/);
  });
});

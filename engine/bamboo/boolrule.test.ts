// Expected results were checked against bamboo's boolrule.py run under CPython (pyparsing's
// caseless true/false as in the 2.x line bamboo pins).
import { describe, expect, it } from "vitest";
import { BoolRuleError, evaluateBoolRule } from "./boolrule";

const cases = (rows: readonly (readonly [string, boolean])[]) => rows.map(([expression, expected]) => ({ expression, expected }));

function errorOf(expression: string): BoolRuleError {
  try {
    evaluateBoolRule(expression);
  } catch (error) {
    if (error instanceof BoolRuleError) return error;
    throw error;
  }
  throw new Error(`${expression} did not fail`);
}

describe("evaluateBoolRule", () => {
  it.each(
    cases([
      ['"1" == "1"', true],
      ['1 == "1"', true],
      ['"1" == 1', true],
      ["True == False", false],
      ["FALSE == false", true],
      ["true == 1", true],
      ['"true" == true', false],
      ['"${d}" == "1"', false],
      ['${x} == "${x}"', true],
      ["${x}== ${x}", true],
      ['a.b == "a.b"', true],
      ['_a == "_a"', true],
      ["x == y", false],
      ["5 < 0", false],
      ["5 >= 0", true],
      ["7 >= 4", true],
      ["1 == 1.9", true], // the float is int()-converted first
      ['"1.9" == 1', false], // int("1.9") fails, so nothing is converted
      ['1.5 == "1.5"', true],
      ['(1, 2) == "[1, 2]"', true],
      ['"10" > "9"', false],
      ['10 > "9"', true],
      ["-1.5 < -1", false], // -1.5 is int()-converted to -1 first
      ["+2 == 2", true],
      [".5 == 0.5", true],
      ["1.0e3 == 1000", true],
      ["1 != 1.0", false],
      ['"abc" == \'abc\'', true],
      ["(1, 2) < (1, 3)", true],
    ]),
  )("$expression is $expected", ({ expression, expected }) => {
    expect(evaluateBoolRule(expression)).toBe(expected);
  });

  it.each(
    cases([
      ["1 in (1, 2)", true],
      ['"1" in (1, 2)', true],
      ['1 in ("1", "x")', true],
      ['1 in ("1.0", 2)', false],
      ["1 in (1.5)", true],
      ['"a" notin ("b")', true],
      ['"a" in ("A")', false],
      ['"2" in "123"', true],
      ["(1, 2) in (1, 2)", false],
      ["(1,2,3) issuperset (1,2)", true],
      ["(1,2) issuperset (1.0)", true],
      ['("1") issuperset (1)', false],
      ['"a" issuperset "a"', true],
      ['("a", "b") issuperset "a"', true],
      ['"ab" issuperset ("a")', false],
      ["(1,2) notissuperset (3)", true],
    ]),
  )("$expression is $expected", ({ expression, expected }) => {
    expect(evaluateBoolRule(expression)).toBe(expected);
  });

  it.each(
    cases([
      ["1 IN (1, 2)", true],
      ["1 NotIn (3)", true],
      ['"a" ISSUPERSET ("a")', true],
      ["1 == 1 And 2 == 2", true],
      ["1 == 1 OR 1 == 2", true],
      ["1==1", true],
      ["(1 == 1)and(2 == 2)", true],
      ['"x" == "x"or 1 == 2', true],
    ]),
  )("keywords and operators are caseless and need no spaces: $expression", ({ expression, expected }) => {
    expect(evaluateBoolRule(expression)).toBe(expected);
  });

  it.each(
    cases([
      // An `or` after a true result returns true at once, whatever follows.
      ["1 == 1 or 1 == 2 and 1 == 2", true],
      // An `and` after a false result returns false at once, whatever follows.
      ["1 == 2 and 1 == 1 or 1 == 1", false],
      // Otherwise the next result simply replaces the current one.
      ["1 == 2 or 2 == 2 and 1 == 2", false],
      ["1 == 2 or 1 == 1 and 1 == 1", true],
      ["1 == 1 and 2 == 2 and 3 == 4", false],
      ["(1 == 2 or 1 == 1) and 1 == 2", false],
      ["1 == 1 and (2 == 2 or 3 == 3)", true],
      ["((1 == 1))", true],
    ]),
  )("scans left to right without precedence: $expression is $expected", ({ expression, expected }) => {
    expect(evaluateBoolRule(expression)).toBe(expected);
  });

  it("short-circuits before a failing comparison", () => {
    expect(evaluateBoolRule('1 == 1 or 3 < "a"')).toBe(true);
    expect(errorOf('1 == 2 or 3 < "a"').message).toBe("'<' not supported between instances of 'int' and 'str'");
  });

  it("matches everything with a bare *", () => {
    expect(evaluateBoolRule("*")).toBe(true);
    expect(() => evaluateBoolRule(" *")).toThrow(BoolRuleError);
  });

  it("works on a rendered condition such as `${n} >= 4` with n = 7", () => {
    expect(evaluateBoolRule("7 >= 4")).toBe(true);
  });

  it("turns \\t \\n \\f \\r in quoted strings into the characters", () => {
    expect(evaluateBoolRule(String.raw`"a\nb" == "a\nb"`)).toBe(true);
    expect(evaluateBoolRule(String.raw`"a\tb" == "a	b"`)).toBe(false); // a real tab is first expanded to spaces
  });

  it.each([
    ['"abc" < 1', "TypeError", "'<' not supported between instances of 'str' and 'int'"],
    ['(1, "a") < (1, 2)', "TypeError", "'<' not supported between instances of 'str' and 'int'"],
    ["1 in 1", "TypeError", "argument of type 'int' is not iterable"],
    ['1 in "123"', "TypeError", "'in <string>' requires string as left operand, not int"],
    ["1 issuperset (1)", "TypeError", "'int' object is not iterable"],
    ["1e3 == 1000", "ValueError", "invalid literal for int() with base 10: '1E3'"],
  ])("throws for %s (%s)", (expression, pythonType, message) => {
    const error = errorOf(expression);
    expect(error.pythonType).toBe(pythonType);
    expect(error.message).toBe(message);
  });

  it.each(["", "1 ==", "== 1", "1 == 1 and", "1 == 1 1 == 1", "1==1and 2==2", "(1 == 1", "1 = 1", "1<>2", "a. b == 1", "__a == 1", "$x == 1", "truex == 1", "- 1 == -1", "[1, 2] == 1", "() == 1", "(1,) == 1", '"a" == "a" and "b"'])(
    "throws a parse error for %j",
    (expression) => {
      const error = errorOf(expression);
      expect(error.pythonType).toBe("ParseException");
      expect(error.message).toMatch(/^Expected .* \(at char \d+\), \(line:1, col:\d+\)$/);
    },
  );

  it("points at the leftover text", () => {
    expect(errorOf("1 == 1 and").message).toBe("Expected end of text, found 'and'  (at char 7), (line:1, col:8)");
  });
});

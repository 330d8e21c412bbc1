import { describe, expect, it } from "vitest";
import { evaluate, isExpressionEngine } from ".";

const scope = { $context: { data: { read: 1, title: "t1" } }, $system: { no1: () => 1, now: () => new Date(0) }, a: [1, 2, 3] };

describe("evaluate (the engines of §4.2 behind one entry point)", () => {
  it("math.js: placeholders bound, the result normalised", async () => {
    expect(await evaluate("math.js", "{{$context.data.read}} + 1", scope, {})).toBe(2);
    expect(await evaluate("math.js", "1 + {{$system.no1}}", scope, {})).toBe(2);
    expect(await evaluate("math.js", "{{a}}[1]", scope, {})).toBe(1);
    expect(await evaluate("math.js", "{{$system.now}}", scope, {})).toBe("1970-01-01T00:00:00.000Z");
    expect(await evaluate("math.js", "1 / 3", scope, {})).toBe(0.333333333);
    expect(await evaluate("math.js", "1 / 0", scope, {})).toBeNull();
  });

  it("string: inline text", async () => {
    expect(await evaluate("string", "{{$context.data.title}}-{{$context.data.read}}", scope, {})).toBe("t1-1");
  });

  it("formula.js without a sandbox fails rather than evaluating JavaScript in the host", async () => {
    await expect(evaluate("formula.js", "1 == 1", scope, {})).rejects.toThrow("needs the sandbox");
  });

  it("knows its engine names", () => {
    expect(["math.js", "formula.js", "string", "basic", undefined].map(isExpressionEngine)).toEqual([true, true, true, false, false]);
  });
});

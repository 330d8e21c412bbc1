import { describe, expect, it } from "vitest";
import { interpolateString } from "./string";

describe("string engine", () => {
  it("replaces placeholders inline: false → 'false', null → ''", () => {
    expect(interpolateString("a{{a}}b", { a: false })).toBe("afalseb");
    expect(interpolateString("a{{a}}b", { a: null })).toBe("ab");
    expect(interpolateString("a{{missing}}b", {})).toBe("ab");
    expect(interpolateString("{{a}}", { a: 0 })).toBe("0");
  });

  it("writes arrays flattened, Dates as ISO text, and never expands a value's own braces", () => {
    expect(interpolateString("{{a.b}}", { a: [{ b: 1 }, { b: 2 }] })).toBe("1,2");
    expect(interpolateString("at {{now}}", { now: () => new Date(0) })).toBe("at 1970-01-01T00:00:00.000Z");
    expect(interpolateString("{{a}}-{{b}}", { a: "{{b}}", b: "x" })).toBe("{{b}}-x");
  });
});

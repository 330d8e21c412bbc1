import { describe, expect, it } from "vitest";
import { pythonStr, renderTemplate, templateReferences } from "./index";

const context = {
  act1_out: 5,
  a: "abc",
  a_i: 1,
  l: "x,y,z",
  K: "3",
  n: 7,
  f: 2.5,
  flag: true,
  nothing: null,
  items: ["a", 1],
  obj: { k: "v" },
};

describe("renderTemplate", () => {
  it("returns the raw value when the string is exactly one ${key} of the context", () => {
    expect(renderTemplate("${n}", context)).toBe(7);
    expect(renderTemplate("${flag}", context)).toBe(true);
    expect(renderTemplate("${nothing}", context)).toBeNull();
    expect(renderTemplate("${items}", context)).toBe(context.items);
    expect(renderTemplate("${obj}", context)).toBe(context.obj);
  });

  it("substitutes as Python's str() everywhere else", () => {
    expect(renderTemplate("n=${n}", context)).toBe("n=7");
    expect(renderTemplate("${n}${n}", context)).toBe("77");
    expect(renderTemplate("${ n }", context)).toBe("7");
    expect(renderTemplate("${f}|${flag}|${nothing}", context)).toBe("2.5|True|None");
    expect(renderTemplate("items=${items} obj=${obj}", context)).toBe("items=['a', 1] obj={'k': 'v'}");
    expect(renderTemplate("${n + 0.0}", context)).toBe("7.0");
  });

  it("evaluates the expressions bamboo pipelines use", () => {
    expect(renderTemplate('${"got %s" % act1_out}', context)).toBe("got 5");
    expect(renderTemplate('${l.split(",")[a_i]}', context)).toBe("y");
    expect(renderTemplate("${int(K)+1}", context)).toBe("4");
    expect(renderTemplate('${"p%s" % K}', context)).toBe("p3");
    expect(renderTemplate("${a.upper()}-${a[::-1]}", context)).toBe("ABC-cba");
    expect(renderTemplate("${[x.upper() for x in l.split(',') if x != 'y']}", context)).toBe("['X', 'Z']");
  });

  it("leaves a failing fragment as written and still renders the others", () => {
    expect(renderTemplate("${missing}", context)).toBe("${missing}");
    expect(renderTemplate("${missing} and ${n}", context)).toBe("${missing} and 7");
    expect(renderTemplate("${a + 1}", context)).toBe("${a + 1}");
    expect(renderTemplate("${int(a)}", context)).toBe("${int(a)}");
    expect(renderTemplate("${n +}", context)).toBe("${n +}");
    expect(renderTemplate("${lambda: 1}", context)).toBe("${lambda: 1}");
  });

  it("only treats ${…} without $, braces or # inside as a fragment", () => {
    expect(renderTemplate("${n#x}", context)).toBe("${n#x}");
    expect(renderTemplate("${{n}}", context)).toBe("${{n}}");
    expect(renderTemplate("$n {n} ${}", context)).toBe("$n {n} ${}");
  });

  it("renders lists and objects recursively, on values only", () => {
    const value = { "${n}": ["${n}", { deep: "v=${f}" }, 3, null, false], plain: "${a}" };
    expect(renderTemplate(value, context)).toEqual({ "${n}": [7, { deep: "v=2.5" }, 3, null, false], plain: "abc" });
    expect(value.plain).toBe("${a}"); // the input is not modified
  });

  it("passes non-strings through", () => {
    expect(renderTemplate(42, context)).toBe(42);
    expect(renderTemplate(null, context)).toBeNull();
    expect(renderTemplate(true, context)).toBe(true);
  });

  it("keeps an own __proto__ key an ordinary key", () => {
    const rendered = renderTemplate(JSON.parse('{"__proto__": "${n}"}'), context) as Record<string, unknown>;
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(Object.hasOwn(rendered, "__proto__")).toBe(true);
  });

  it("leaves hostile fragments literal, quickly", () => {
    const hostile = [
      '${__import__("os")}',
      "${a.__class__}",
      "${a.constructor}",
      '${"x"*10**9}',
      "${eval('1')}",
      "${open('/etc/passwd')}",
      "${getattr(a, 'upper')}",
      "${[1 for x in range(100000) for y in range(100000)]}",
      `\${${"(".repeat(1000)}1${")".repeat(1000)}}`,
      "${2**10**9}",
    ];
    const started = Date.now();
    for (const text of hostile) expect(renderTemplate(text, context)).toBe(text);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("templateReferences", () => {
  it("reports a whole-string name the evaluator refuses (the raw-value rule still renders it), never a dunder", () => {
    expect(templateReferences("${input}")).toEqual(["${input}"]);
    expect(renderTemplate("${input}", { input: [1, 2] })).toEqual([1, 2]);
    expect(renderTemplate("x${input}", { input: 1 })).toBe("x${input}");
    expect(templateReferences("${__class__}")).toEqual([]);
  });

  it("reports the free root names of each fragment as ${name}", () => {
    expect(templateReferences("${a.upper()}")).toEqual(["${a}"]);
    expect(templateReferences('${"p%s" % K}')).toEqual(["${K}"]);
    expect(templateReferences('${l.split(",")[a_i]}')).toEqual(["${l}", "${a_i}"]);
  });

  it("skips builtins, literals and names a comprehension binds", () => {
    expect(templateReferences("${int(K) + len(l) + True}")).toEqual(["${K}", "${l}"]);
    expect(templateReferences("${[x * y for x in xs if x > lo for y in ys]}")).toEqual(["${xs}", "${lo}", "${ys}"]);
    expect(templateReferences("${[k for k, v in d.items()]}")).toEqual(["${d}"]);
    // The first iterable is read in the enclosing scope, so this x is the context's.
    expect(templateReferences("${[x for x in x]}")).toEqual(["${x}"]);
  });

  it("walks strings inside lists and object values, unique and in first-seen order", () => {
    expect(templateReferences(["${b}", { "${ignored}": "${a} ${b}", more: ["${c}", 1, null] }, "${a}"])).toEqual(["${b}", "${a}", "${c}"]);
  });

  it("reports nothing for fragments that can never render", () => {
    expect(templateReferences("${a +} ${__import__('os')} ${x.__class__} ${lambda: y}")).toEqual([]);
    expect(templateReferences(42)).toEqual([]);
  });
});

describe("pythonStr", () => {
  it("prints JSON values as Python's str() does", () => {
    expect([true, null, 5, 2.5, "s", ["a", 1], { k: "v" }].map(pythonStr)).toEqual(["True", "None", "5", "2.5", "s", "['a', 1]", "{'k': 'v'}"]);
  });
});

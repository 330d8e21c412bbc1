import { beforeAll, describe, expect, it } from "vitest";
import { jobRows, runToEnd, type NodeSpec, workflowProject } from "./workflow-harness";

/**
 * nocobase-scenarios.md, the scenarios about values (S8 condition comparisons, S18 calculation and variable
 * resolution, S23 the JavaScript node) through the HTTP API. math.js runs in the host; formula.js and the script
 * node run in the project's QuickJS sandbox, within its limits (raised here so S23's 100 ms timeout is the
 * script's own budget rather than the project's default 50 ms).
 */

const post = (data: Record<string, unknown> = {}) => ({ data: { id: 1, title: "t1", read: 0, published: false, ...data } });
const eq = (a: unknown, b: unknown) => ({ calculator: "equal", operands: [a, b] });
const and = (...calculations: unknown[]) => ({ group: { type: "and", calculations } });
const or = (...calculations: unknown[]) => ({ group: { type: "or", calculations } });
const calc = (config: Record<string, unknown>, key = "n1"): NodeSpec => ({ key, type: "calculation", config });

const RESOLVED = 1;
const ERROR = -2;

let project: string;
beforeAll(async () => {
  project = await workflowProject({ limits: { cpuMs: 1_000 } });
});

describe("S8 basic engine comparison semantics", () => {
  // [case, condition config, $context.data, job.result]
  const rows: [string, Record<string, unknown>, Record<string, unknown>, boolean][] = [
    ["no engine: 1 == read (1)", { calculation: eq(1, "{{$context.data.read}}") }, post({ read: 1 }).data, true],
    ["0 == title (null)", { engine: "basic", calculation: eq(0, "{{$context.data.title}}") }, post({ title: null }).data, false],
    ["false == read (default 0)", { engine: "basic", calculation: eq(false, "{{$context.data.read}}") }, post().data, true],
    ["'1' == read (1)", { engine: "basic", calculation: eq("1", "{{$context.data.read}}") }, post({ read: 1 }).data, true],
    ["category.id (no category) == null", { engine: "basic", calculation: eq("{{$context.data.category.id}}", null) }, post().data, true],
    ["and [1 = 1, 1 = 1]", { engine: "basic", calculation: and(eq(1, 1), eq(1, 1)) }, post().data, true],
    ["and [1 = 1, 0 = 1]", { engine: "basic", calculation: and(eq(1, 1), eq(0, 1)) }, post().data, false],
    ["or [1 = 1, 0 = 1]", { engine: "basic", calculation: or(eq(1, 1), eq(0, 1)) }, post().data, true],
    ["and [1 = 1, or [0 = 1, 0 = 1]]", { engine: "basic", calculation: and(eq(1, 1), or(eq(0, 1), eq(0, 1))) }, post().data, false],
    ["math.js '1 == 1'", { engine: "math.js", expression: "1 == 1" }, post().data, true],
    ["formula.js '1 == 1'", { engine: "formula.js", expression: "1 == 1" }, post().data, true],
  ];
  for (const [name, config, data, expected] of rows) {
    it(name, async () => {
      const e = await runToEnd(project, [{ key: "n1", type: "condition", config: { ...config, rejectOnFalse: false } }], {}, { data });
      // Branch mode without rejectOnFalse: the execution resolves whatever the result.
      expect(e.status).toBe(RESOLVED);
      expect(jobRows(e)).toEqual([["n1", 1, expected]]);
    });
  }
});

describe("S18 calculation and variable resolution", () => {
  it("math.js '1 1' → ERROR, the result starts with 'SyntaxError: '", async () => {
    const e = await runToEnd(project, [calc({ engine: "math.js", expression: "1 1" })], {}, post());
    expect(e.status).toBe(ERROR);
    expect(e.jobs).toHaveLength(1);
    expect(e.jobs[0].status).toBe(ERROR);
    expect(e.jobs[0].result).toMatch(/^SyntaxError: /);
  });

  // [case, config, $context, job.result]
  const rows: [string, Record<string, unknown>, unknown, unknown][] = [
    ["' 1 + 1 '", { engine: "math.js", expression: " 1 + 1 " }, post(), 2],
    ["'{{$context.data.read}} + 1' with read 1", { engine: "math.js", expression: "{{$context.data.read}} + 1" }, post({ read: 1 }), 2],
    ["formula.js CONCATENATE('a', '{{…title}}'): the quoted placeholder becomes the identifier", { engine: "formula.js", expression: "CONCATENATE('a', '{{$context.data.title}}')" }, post(), "a$$0"],
    ["formula.js CONCATENATE('a', {{…title}})", { engine: "formula.js", expression: "CONCATENATE('a', {{$context.data.title}})" }, post(), "at1"],
    // Evaluator pre-processing: array columns, indexes, engines' own indexing, null and false in strings.
    ["{{a.b}} over [{b: 1}, {b: 2}] → [1, 2]", { engine: "math.js", expression: "{{$context.a.b}}" }, { a: [{ b: 1 }, { b: 2 }] }, [1, 2]],
    ["{{a.b.c}} over nested arrays → [1, 2, 3, 4]", { engine: "math.js", expression: "{{$context.a.b.c}}" }, { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: [{ c: 3 }, { c: 4 }] }] }, [1, 2, 3, 4]],
    ["{{a.0}} → the first item", { engine: "math.js", expression: "{{$context.a.0}}" }, { a: [1, 2, 3] }, 1],
    ["math.js {{a}}[1] is 1-based", { engine: "math.js", expression: "{{$context.a}}[1]" }, { a: [1, 2, 3] }, 1],
    ["formula.js {{a.b}} with a null → null", { engine: "formula.js", expression: "{{$context.a.b}}" }, { a: null }, null],
    ["string 'a{{a}}b' with a false → 'afalseb'", { engine: "string", expression: "a{{$context.a}}b" }, { a: false }, "afalseb"],
    ["string 'a{{a}}b' with a null → 'ab'", { engine: "string", expression: "a{{$context.a}}b" }, { a: null }, "ab"],
  ];
  for (const [name, config, context, expected] of rows) {
    it(name, async () => {
      const e = await runToEnd(project, [calc(config)], {}, context);
      expect(e.status).toBe(RESOLVED);
      expect(jobRows(e)).toEqual([["n1", 1, expected]]);
    });
  }

  it("a node result as a variable: echoVariable {{$context}}, then {{$jobsMapByNodeKey.n1.data.read}} + 1", async () => {
    const e = await runToEnd(project, [{ key: "n1", type: "echoVariable", config: { variable: "{{$context}}" } }, { ...calc({ engine: "math.js", expression: "{{$jobsMapByNodeKey.n1.data.read}} + 1" }, "n2"), upstream: "n1" }], {}, post());
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)[1]).toEqual(["n2", 1, 1]);
  });

  it("'{{$system.now}}': the function is called when resolved; the result is an ISO date string", async () => {
    const e = await runToEnd(project, [calc({ engine: "math.js", expression: "{{$system.now}}" })], {}, post());
    expect(e.status).toBe(RESOLVED);
    const now = e.jobs[0].result;
    expect(new Date(now).toISOString()).toBe(now);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(Date.parse(e.startedAt));
  });
});

describe("S23 JavaScript node (sync)", () => {
  const script = (config: Record<string, unknown>, context: unknown = post({ title: "post" })) => runToEnd(project, [{ key: "n1", type: "script", config }], { sync: true }, context);

  it("a: an argument from a template; the returned value is the result", async () => {
    const e = await script({ arguments: [{ name: "aaa", value: "{{$context.data.title}}" }], content: "return aaa + 90;", timeout: 2 });
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, "post90"]]);
  });

  it("b: a syntax error → ERROR with V8's message \"Unexpected token 'return'\"", async () => {
    const e = await script({ content: 'const\nreturn "Hello world!";' });
    expect(e.status).toBe(ERROR);
    expect(jobRows(e)).toEqual([["n1", ERROR, "Unexpected token 'return'"]]);
  });

  it("c: arguments of every type arrive as JSON values (a date as its ISO string)", async () => {
    const date = "{{$context.date}}";
    const object = { a: 1, b: 2, c: 3 };
    const e = await script(
      {
        arguments: [
          { name: "boolean", value: true },
          { name: "number", value: 1 },
          { name: "string", value: "abc" },
          { name: "date", value: date },
          { name: "array", value: [1, 2, 3] },
          { name: "object", value: object },
          { name: "nil", value: null },
          { name: "mixed", value: { boolean: true, number: 1, string: "abc", date, array: [1, 2, 3], object, nil: null } },
        ],
        content: "return [boolean, number, string, typeof date, array.join(''), object.a, nil, mixed];",
      },
      { date: "2024-09-30T16:00:00.000Z" },
    );
    expect(e.status).toBe(RESOLVED);
    expect(e.jobs[0].result).toEqual([true, 1, "abc", "string", "123", 1, null, { boolean: true, number: 1, string: "abc", date: "2024-09-30T16:00:00.000Z", array: [1, 2, 3], object, nil: null }]);
  });

  it("d: a rejection gives its message", async () => {
    expect(jobRows(await script({ content: "return Promise.reject(new Error('fail'))" }))).toEqual([["n1", ERROR, "fail"]]);
  });

  it("d: awaited values", async () => {
    expect(jobRows(await script({ content: "const a = await Promise.resolve(90); const b = await Promise.resolve(90); return a + b;" }))).toEqual([["n1", 1, 180]]);
  });

  // Adapted: sandboxed scripts have no timers to sleep with, so the script that outlives its timeout is CPU-bound.
  it("d: a script past its timeout → ERROR 'Script execution timed out after 100ms'", async () => {
    const e = await script({ content: "while (true) {}", timeout: 100 });
    expect(e.status).toBe(ERROR);
    expect(jobRows(e)).toEqual([["n1", ERROR, "Script execution timed out after 100ms"]]);
  });

  it("in an async workflow the script runs from the queue, with the same result", async () => {
    const e = await runToEnd(project, [{ key: "n1", type: "script", config: { arguments: [{ name: "aaa", value: "{{$context.data.title}}" }], content: "return aaa + 90;" } }, { key: "n2", type: "echo", upstream: "n1" }], {}, post({ title: "post" }));
    expect(e.status).toBe(RESOLVED);
    expect(jobRows(e)).toEqual([["n1", 1, "post90"], ["n2", 1, "post90"]]);
  });
});

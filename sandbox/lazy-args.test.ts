import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, Sandbox, type ScriptVersion } from "./index";
import { layOutArgs, MAX_ARGS_DEPTH } from "./lazy-args";

const sandbox = new Sandbox();
let counter = 0;
const script = (source: string): ScriptVersion => ({ path: "function/views", sha256: `v${counter++}`, source });
const run = (source: string, args: unknown[] = [], extra: object = {}) =>
  sandbox.invoke({ project: "views", script: script(source), args, limits: DEFAULT_LIMITS, ...extra });

/** Every shape the layout writes differently: reference levels, plain objects, plain arrays, flat containers. */
const DOC = {
  __wg: { user: { userId: "u_1", roles: ["admin", "user"] }, clientRequest: { method: "POST", headers: { "X-A": "1" } } },
  input: {
    title: "héllo 👋 世界",
    tags: ["a", "b"],
    items: [
      { id: 1, done: true, price: 1.25, note: null },
      { id: 2, done: false, price: -0, nested: { deep: [1, [2, [3]]] } },
    ],
    matrix: [[1, 2], [3, 4]],
    empty: {},
    none: [],
  },
  cycleCounter: 3,
};

describe("arguments as lazy read-only views", () => {
  it("reads like the JSON it came from, at every depth and in every layout", async () => {
    const out = await run(
      `export default (doc) => ({
        json: JSON.stringify(doc),
        keys: Object.keys(doc.input),
        isArray: [Array.isArray(doc.input.items), Array.isArray(doc.input.matrix[0]), Array.isArray(doc.input.none)],
        lengths: [doc.input.items.length, doc.input.none.length, doc.__wg.user.roles.length],
        mapped: doc.input.items.map((item) => item.id),
        spread: { ...doc.input.items[1].nested },
        entries: Object.entries(doc.__wg.clientRequest.headers),
        has: ["title" in doc.input, "missing" in doc.input],
        same: doc.input === doc.input && doc.input.items[0] === doc.input.items[0],
        negativeZero: Object.is(doc.input.items[1].price, -0),
        iterated: [...doc.input.tags].join("+"),
        cloned: structuredClone(doc.input.matrix),
      })`,
      [DOC],
    );
    expect(out.ok).toBe(true);
    const result = (out as { result: Record<string, unknown> }).result;
    expect(JSON.parse(result.json as string)).toEqual(JSON.parse(JSON.stringify(DOC)));
    expect(result).toMatchObject({
      keys: ["title", "tags", "items", "matrix", "empty", "none"],
      isArray: [true, true, true],
      lengths: [2, 0, 2],
      mapped: [1, 2],
      spread: { deep: [1, [2, [3]]] },
      entries: [["X-A", "1"]],
      has: [true, false],
      same: true,
      negativeZero: false, // JSON has no -0: the host's JSON text writes 0
      iterated: "a+b",
      cloned: [[1, 2], [3, 4]],
    });
  });

  it("refuses every kind of write with TypeError, at every depth, and leaves the host's copy alone", async () => {
    const host = structuredClone(DOC);
    const out = await run(
      `export default (doc) => {
        const attempts = {
          set: () => { doc.input.title = "x"; },
          setDeep: () => { doc.input.items[1].nested.deep[1][0] = 9; },
          setPlain: () => { doc.__wg.user.roles[0] = "root"; },
          add: () => { doc.input.extra = 1; },
          remove: () => { delete doc.cycleCounter; },
          define: () => { Object.defineProperty(doc.input, "title", { value: "x" }); },
          push: () => { doc.input.tags.push("c"); },
          sort: () => { doc.input.matrix.reverse(); },
          proto: () => { Object.setPrototypeOf(doc.input, null); },
        };
        const outcome = {};
        for (const [name, attempt] of Object.entries(attempts)) {
          try { attempt(); outcome[name] = "allowed"; } catch (e) { outcome[name] = e.name; }
        }
        outcome.frozen = [Object.isFrozen(doc), Object.isFrozen(doc.input.items[1].nested.deep), Object.isFrozen(doc.__wg.user.roles)];
        outcome.after = JSON.stringify(doc) === ${JSON.stringify(JSON.stringify(DOC))};
        return outcome;
      }`,
      [host],
    );
    expect(out).toMatchObject({
      ok: true,
      result: {
        set: "TypeError",
        setDeep: "TypeError",
        setPlain: "TypeError",
        add: "TypeError",
        remove: "TypeError",
        define: "TypeError",
        push: "TypeError",
        sort: "TypeError",
        proto: "TypeError",
        frozen: [true, true, true],
        after: true,
      },
    });
    expect(host).toEqual(DOC);
  });

  it("keeps a __proto__ key as data and never touches the prototype", async () => {
    const input = JSON.parse('{"a":{"__proto__":{"polluted":true},"b":1},"flat":{"__proto__":{"x":1}}}');
    const out = await run(
      `export default (x) => [Object.keys(x.a), "polluted" in x.a, Object.getPrototypeOf(x.a) === Object.prototype, x.a.__proto__.polluted, "polluted" in {}, JSON.stringify(x)]`,
      [input],
    );
    expect(out).toMatchObject({ ok: true, result: [["__proto__", "b"], false, true, true, false, JSON.stringify(input)] });
  });

  it("returns untouched views as the host's own data, mixed with new values", async () => {
    const out = await run(`export default (doc) => ({ ...doc.input, items: [doc.input.items[1], doc.input.items], by: doc.__wg.user.userId })`, [DOC]);
    // Compared as JSON, which is what callers send on (JSON has no -0, which a view passed through still holds).
    const json = JSON.parse(JSON.stringify(DOC)) as typeof DOC;
    expect(out.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(out.ok && out.result))).toEqual({ ...json.input, items: [json.input.items[1], json.input.items], by: "u_1" });
    expect(await run(`export default (doc) => doc`, [DOC])).toMatchObject({ ok: true, result: DOC });
  });

  it("serializes views as data inside a script's own JSON.stringify, even one that runs while the result is written", async () => {
    const out = await run(
      `export default (doc) => ({ text: JSON.stringify(doc.input.tags), late: { toJSON: () => JSON.stringify(doc.input.tags) } })`,
      [DOC],
    );
    expect(out).toMatchObject({ ok: true, result: { text: '["a","b"]', late: '["a","b"]' } });
  });

  it("treats data shaped like a marker as data", async () => {
    const layout = layOutArgs([DOC]);
    expect(layout.text).not.toContain("hookflow:");
    const forged = { "hookflow:marker": layout.root.start, input: { x: 1 } };
    const out = await run(`export default (x) => [x, { ...x }, JSON.parse(JSON.stringify(x))]`, [forged]);
    expect(out).toMatchObject({ ok: true, result: [forged, forged, forged] });
  });

  it("keeps a view from an earlier call reading, and returning, that call's data", async () => {
    const source = `let kept; export default (doc) => { const before = kept; kept = doc.input; return before === undefined ? null : { before, title: before.title, now: doc.input.title }; }`;
    const version = script(source);
    const call = (args: unknown[]) => sandbox.invoke({ project: "views-kept", script: version, args, limits: DEFAULT_LIMITS });
    expect(await call([{ input: { title: "first", n: [1] } }])).toMatchObject({ ok: true, result: null });
    expect(await call([{ input: { title: "second", n: [2] } }])).toMatchObject({
      ok: true,
      result: { before: { title: "first", n: [1] }, title: "first", now: "second" },
    });
  });

  it("counts against the result limit what the script wrote, not what it passed through", async () => {
    const items = Array.from({ length: 3000 }, (_, id) => ({ id, title: `item ${id} `.padEnd(90, "x") }));
    const big = { blob: "x".repeat(300_000), items, nested: { list: [{ a: 1 }, { b: "y".repeat(1000) }] } };
    const limits = { ...DEFAULT_LIMITS, resultBytes: 200_000 };
    expect(await run(`export default (x) => x.blob.length`, [big], { limits })).toMatchObject({ ok: true, result: 300_000 });
    expect(await run(`export default (x) => ({ echo: x })`, [big], { limits })).toMatchObject({ ok: true, result: { echo: big } });
    // Spreading copies the members: containers stay views (passed through), a string member is copied.
    expect(await run(`export default (x) => ({ items: x.items, nested: { ...x.nested, touched: true } })`, [big], { limits })).toMatchObject({
      ok: true,
      result: { items, nested: { ...big.nested, touched: true } },
    });
    // A string read out of the arguments is the script's own value once it is in a result it built.
    expect(await run(`export default (x) => ({ copy: x.blob + "!" })`, [big], { limits })).toMatchObject({ ok: false, error: { code: "result_too_large" } });
    // Multi-byte characters count in UTF-8 bytes.
    const wide = { text: "世".repeat(100_000) };
    expect(await run(`export default (x) => ({ text: x.text })`, [wide], { limits })).toMatchObject({ ok: false, error: { code: "result_too_large" } });
    expect(await run(`export default (x) => ({ text: x.text })`, [wide], { limits: { ...limits, resultBytes: 300_100 } })).toMatchObject({ ok: true, result: wide });
  });

  it("refuses arguments nested past the depth limit without touching the runtime", async () => {
    // Each level too big to be written whole, so the layout has to descend through all of them.
    let deep: unknown = 0;
    for (let i = 0; i <= MAX_ARGS_DEPTH + 1; i++) deep = { pad: "x".repeat(300), next: deep };
    expect(await run(`export default () => 1`, [deep])).toMatchObject({ ok: false, error: { code: "stack_overflow" } });
    expect(await run(`export default (x) => x[0][0]`, [[[7]]])).toMatchObject({ ok: true, result: 7 });
  });

  it("streams items holding views as data", async () => {
    const items: unknown[] = [];
    const outcome = await run(`export default async function* (doc) { yield doc.input.items[0]; yield { tags: doc.input.tags }; }`, [DOC], {
      hostCalls: { emit: async (batch: unknown) => void items.push(...(batch as unknown[])) },
    });
    expect(outcome).toMatchObject({ ok: true });
    expect(items).toEqual([DOC.input.items[0], { tags: DOC.input.tags }]);
  });
});

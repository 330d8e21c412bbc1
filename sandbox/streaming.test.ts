import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, Sandbox, type ScriptVersion } from "./index";

const sandbox = new Sandbox();
let counter = 0;
const script = (source: string): ScriptVersion => ({ path: "function/stream", sha256: `s${counter++}`, source });

const GENERATOR = `export default async function* (n) { for (let i = 1; i <= n; i++) yield { data: { n: i } }; }`;

describe("sandbox streaming", () => {
  it("emits each item of an async iterable through the emit host call, in order, as it is produced", async () => {
    const batches: unknown[] = [];
    const outcome = await sandbox.invoke({
      project: "stream",
      script: script(GENERATOR),
      args: [3],
      limits: DEFAULT_LIMITS,
      hostCalls: {
        emit: async (items) => {
          batches.push(items);
        },
      },
    });
    expect(outcome).toMatchObject({ ok: true, result: null });
    // The first, empty batch is the probe that asks whether the caller streams.
    expect(batches).toEqual([[], [{ data: { n: 1 } }], [{ data: { n: 2 } }], [{ data: { n: 3 } }]]);
  });

  it("waits for each emit before producing the next item", async () => {
    const seen: string[] = [];
    const source = `export default async function* () { console.log("a"); yield 1; console.log("b"); yield 2; }`;
    const outcome = await sandbox.invoke({
      project: "stream",
      script: script(source),
      args: [],
      limits: DEFAULT_LIMITS,
      hostCalls: {
        emit: async (items) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(JSON.stringify(items));
        },
      },
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.logs.map((l) => l.message)).toEqual(["a", "b"]);
    expect(seen).toEqual(["[]", "[1]", "[2]"]);
  });

  it("keeps the old behaviour when the caller does not stream", async () => {
    const outcome = await sandbox.invoke({ project: "stream", script: script(GENERATOR), args: [2], limits: DEFAULT_LIMITS });
    expect(outcome).toMatchObject({ ok: true, result: {} });
  });

  it("fails the call when the iterable throws", async () => {
    const source = `export default async function* () { yield 1; throw new Error("boom"); }`;
    const items: unknown[] = [];
    const outcome = await sandbox.invoke({
      project: "stream",
      script: script(source),
      args: [],
      limits: DEFAULT_LIMITS,
      hostCalls: { emit: async (batch) => void items.push(...(batch as unknown[])) },
    });
    expect(items).toEqual([1]);
    expect(outcome).toMatchObject({ ok: false, error: { code: "script_error", message: "Error: boom" } });
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, Sandbox, type ScriptVersion } from "./index";

const sandbox = new Sandbox();
let counter = 0;
const script = (source: string, path = "function/t"): ScriptVersion => ({ path, sha256: `h${counter++}`, source });
const run = (source: string, args: unknown[] = [], extra: object = {}) =>
  sandbox.invoke({ project: "p1", script: script(source), args, limits: DEFAULT_LIMITS, ...extra });

describe("sandbox basics", () => {
  it("runs a default export with args", async () => {
    const out = await run("export default (a, b) => ({ sum: a.x + b })", [{ x: 2 }, 3]);
    expect(out).toMatchObject({ ok: true, result: { sum: 5 } });
  });
  it("compiles and reports syntax errors", async () => {
    expect(await sandbox.compile("function/x", "export default 1")).toEqual({ ok: true });
    const bad = await sandbox.compile("function/x", "const a = 1;\nexport default (x => {\n  return x +;\n});");
    expect(bad).toMatchObject({ ok: false, line: 3 });
    console.log(bad);
  });
});

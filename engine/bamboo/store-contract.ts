import { expect, it } from "vitest";
import type { ContextValue, HistoryRecord, NodeRecord, ProcessRecord, StateRecord } from "./records";
import type { BambooStore } from "./store";

/**
 * The behaviours every BambooStore shares, as tests: durable/bamboo-store.test.ts runs them on SqlBambooStore and
 * memory-store.test.ts on MemoryBambooStore. Test-only, and free of Workers imports like the rest of the engine.
 */

/** Runs `body` against a fresh, empty store. */
export type WithStore = <T>(body: (store: BambooStore) => T | Promise<T>) => Promise<T>;

export const state = (nodeId: string, patch: Partial<StateRecord> = {}): StateRecord => ({
  nodeId,
  rootId: "root",
  parentId: "root",
  name: "READY",
  version: `v-${nodeId}`,
  loop: 1,
  innerLoop: 1,
  retry: 0,
  skip: false,
  errorIgnored: false,
  createdTime: 1_700_000_000_000,
  startedTime: null,
  archivedTime: null,
  ...patch,
});

export const processFields = (patch: Partial<Omit<ProcessRecord, "id">> = {}): Omit<ProcessRecord, "id"> => ({
  parentId: -1,
  pipelineStack: ["root"],
  currentNodeId: "start",
  destinationId: "",
  asleep: false,
  suspended: false,
  suspendedBy: "",
  dead: false,
  needAck: 0,
  ackNum: 0,
  ...patch,
});

export const history = (nodeId: string, loop: number): Omit<HistoryRecord, "id"> => ({
  nodeId,
  startedTime: 1000 + loop,
  archivedTime: loop === 2 ? null : 2000 + loop,
  loop,
  retry: loop - 1,
  skip: loop % 2 === 0,
  version: `v${loop}`,
  inputs: { n: loop, nested: { list: [1, "二", null, { ok: true }] } },
  outputs: { _result: loop !== 2, ex_data: loop === 2 ? "boom 💥" : null },
});

/** Registers the shared tests; call it inside the implementation's `describe`. */
export function describeStoreContract(withStore: WithStore): void {
  it("round-trips the run, and putRun overwrites it", async () => {
    await withStore((store) => {
      expect(store.run()).toBeUndefined();
      const run = {
        pipelineId: "p1",
        rootPipelineData: { user: "ünïcødé 用户", nested: { a: [1, 2.5, null, false], empty: {} } },
        settings: { exclusiveGatewayStrategy: "first" as const, rerunLimit: 7 },
        createdAt: 1_700_000_000_123,
      };
      store.putRun(run);
      expect(store.run()).toStrictEqual(run);
      const next = { ...run, pipelineId: "p2", settings: { exclusiveGatewayStrategy: "only" as const, rerunLimit: 100 } };
      store.putRun(next);
      expect(store.run()).toStrictEqual(next);
    });
  });

  it("round-trips nodes with every optional field, drops absent ones, and upserts them", async () => {
    await withStore((store) => {
      const full: NodeRecord = {
        id: "act",
        type: "ServiceActivity",
        name: "Ação «1» ☃",
        targets: { f2: "b", f1: "a" },
        rootPipelineId: "root",
        parentPipelineId: "sub",
        canSkip: true,
        canRetry: false,
        code: "http",
        errorIgnorable: true,
        conditions: [{ flowId: "f1", evaluate: "${x} > 1", targetId: "a" }],
        defaultFlowId: "f2",
        convergeGatewayId: "cg",
        startEventId: "s",
        timeout: { enable: true, seconds: 5, action: "forced_fail" },
        timerEvents: [{ enable: true, timer_type: "time_duration", defined: "PT1S" }],
      };
      const bare: NodeRecord = {
        id: "end",
        type: "EmptyEndEvent",
        name: null,
        targets: {},
        rootPipelineId: "root",
        parentPipelineId: "root",
        canSkip: false,
        canRetry: false,
      };
      store.putNode(full);
      store.putNode(bare);
      expect(store.node("act")).toStrictEqual(full);
      expect(Object.keys(store.node("act")!.targets)).toEqual(["f2", "f1"]);
      expect(store.node("end")).toStrictEqual(bare);
      expect(store.node("missing")).toBeUndefined();
      store.putNode({ ...bare, name: "renamed" });
      expect(store.node("end")?.name).toBe("renamed");
    });
  });

  it("round-trips states (booleans, nulls), overwrites on put, and lists them in creation order", async () => {
    await withStore((store) => {
      expect(store.state("a")).toBeUndefined();
      expect(store.states()).toEqual([]);
      const ids = ["m", "a", "z", "b", "ü", "1"];
      for (const id of ids) store.putState(state(id));
      const running = state("a", {
        name: "RUNNING",
        version: "v2",
        loop: 3,
        innerLoop: 2,
        retry: 4,
        skip: true,
        errorIgnored: true,
        startedTime: 1_700_000_000_500,
        archivedTime: 1_700_000_000_900,
      });
      store.putState(running);
      expect(store.state("a")).toStrictEqual(running);
      expect(store.state("m")).toStrictEqual(state("m"));
      // Updating a state does not move it; integer-like ids such as "1" keep their place too (unlike object keys).
      expect(store.states().map((s) => s.nodeId)).toEqual(ids);
      expect(store.states()[1]).toStrictEqual(running);
      store.putState(state("a"));
      expect(store.state("a")).toStrictEqual(state("a"));
    });
  });

  it("creates processes with increasing ids, round-trips and upserts them, and lists only live ones", async () => {
    await withStore((store) => {
      const first = store.newProcess(processFields({ pipelineStack: ["root", "sub 子"], asleep: true, needAck: 2 }));
      const second = store.newProcess(processFields({ parentId: first.id, destinationId: "cg", suspended: true, suspendedBy: "root" }));
      const third = store.newProcess(processFields({ parentId: first.id, ackNum: 1 }));
      expect(first.id).toBeGreaterThan(0);
      expect(second.id).toBeGreaterThan(first.id);
      expect(third.id).toBeGreaterThan(second.id);
      expect(first).toStrictEqual({ id: first.id, ...processFields({ pipelineStack: ["root", "sub 子"], asleep: true, needAck: 2 }) });
      expect(store.process(first.id)).toStrictEqual(first);
      expect(store.process(second.id)).toStrictEqual(second);
      expect(store.process(999)).toBeUndefined();

      store.putProcess({ ...second, dead: true, currentNodeId: "end" });
      expect(store.process(second.id)).toStrictEqual({ ...second, dead: true, currentNodeId: "end" });
      expect(store.liveProcesses()).toStrictEqual([first, third]);

      store.putProcess({ ...first, asleep: false, pipelineStack: ["root"], ackNum: 2 });
      expect(store.liveProcesses().map((p) => p.id)).toEqual([first.id, third.id]);
      expect(store.process(first.id)?.pipelineStack).toEqual(["root"]);

      // Ids are not reused, even after the highest id is written dead.
      store.putProcess({ ...third, dead: true });
      expect(store.newProcess(processFields()).id).toBeGreaterThan(third.id);

      // putProcess of an unknown id inserts it, and later ids pass it; live ones stay in id order.
      store.putProcess({ id: 500, ...processFields({ currentNodeId: "x" }) });
      expect(store.process(500)?.currentNodeId).toBe("x");
      const after = store.newProcess(processFields());
      expect(after.id).toBeGreaterThan(500);
      store.putProcess({ id: 200, ...processFields() });
      const live = store.liveProcesses().map((p) => p.id);
      expect(live).toEqual([...live].sort((a, b) => a - b));
    });
  });

  it("round-trips context values of every type, per pipeline, with undefined, null and nested values", async () => {
    await withStore((store) => {
      const values: ContextValue[] = [
        { key: "${plain}", type: "plain", value: { deep: { list: [1, { s: "é 🚀" }], nul: null } }, references: [] },
        { key: "${splice}", type: "splice", value: "hello ${plain}", references: ["${plain}"] },
        { key: "${compute}", type: "compute", value: null, code: "return 1", references: ["${plain}", "${splice}"] },
        { key: "${bool}", type: "plain", value: false, references: [] },
        { key: "${undef}", type: "plain", value: undefined, references: [] },
      ];
      for (const v of values) store.putContextValue("root", v);
      store.putContextValue("sub", { key: "${plain}", type: "plain", value: "sub's", references: [] });

      const byKey = (list: ContextValue[]) => Object.fromEntries(list.map((v) => [v.key, v]));
      const stored = byKey(store.contextValues("root"));
      expect(Object.keys(stored).sort()).toEqual(values.map((v) => v.key).sort());
      for (const v of values) expect(stored[v.key]).toStrictEqual(v);
      expect(stored["${plain}"]).not.toHaveProperty("code");
      expect(store.contextValues("sub")).toStrictEqual([{ key: "${plain}", type: "plain", value: "sub's", references: [] }]);
      expect(store.contextValues("nobody")).toEqual([]);

      expect(store.contextValues("root", ["${splice}", "${missing}"])).toStrictEqual([values[1]]);
      expect(store.contextValues("root", [])).toEqual([]);
      expect(store.contextValues("root", ["${plain}", "${plain}"])).toHaveLength(1);

      // Upsert overwrites every field, code too; an explicit `code: undefined` is stored as no code.
      store.putContextValue("root", { key: "${compute}", type: "plain", value: 42, code: undefined, references: [] });
      const [overwritten] = store.contextValues("root", ["${compute}"]);
      expect(overwritten).toStrictEqual({ key: "${compute}", type: "plain", value: 42, references: [] });
      expect(overwritten).not.toHaveProperty("code");
    });
  });

  it("reads 250 context keys (more than one SQL statement's bound parameters)", async () => {
    await withStore((store) => {
      const keys = Array.from({ length: 250 }, (_, i) => `\${k${i}}`);
      for (const [i, key] of keys.entries()) store.putContextValue("root", { key, type: "plain", value: i, references: [] });
      store.putContextValue("other", { key: "${k0}", type: "plain", value: "other", references: [] });

      const all = store.contextValues("root", keys);
      expect(all).toHaveLength(250);
      expect(new Map(all.map((v) => [v.key, v.value]))).toEqual(new Map(keys.map((k, i) => [k, i])));

      // Exactly 89, 90 and 178 keys (SqlBambooStore's chunk edges), plus ones that are absent.
      expect(store.contextValues("root", keys.slice(0, 89))).toHaveLength(89);
      expect(store.contextValues("root", keys.slice(0, 90))).toHaveLength(90);
      expect(store.contextValues("root", keys.slice(0, 178))).toHaveLength(178);
      expect(store.contextValues("root", [...keys.slice(100, 200), "${absent}"])).toHaveLength(100);
      expect(store.contextValues("root")).toHaveLength(250);
    });
  });

  it("round-trips context outputs and overwrites them", async () => {
    await withStore((store) => {
      expect(store.contextOutputs("root")).toEqual([]);
      store.putContextOutputs("root", ["${a}", "${ü}"]);
      expect(store.contextOutputs("root")).toEqual(["${a}", "${ü}"]);
      store.putContextOutputs("root", []);
      expect(store.contextOutputs("root")).toEqual([]);
      store.putContextOutputs("sub", ["${b}"]);
      expect(store.contextOutputs("sub")).toEqual(["${b}"]);
    });
  });

  it("round-trips node data and execution data, and overwrites them", async () => {
    await withStore((store) => {
      expect(store.data("n")).toBeUndefined();
      expect(store.executionData("n")).toBeUndefined();
      const data = {
        inputs: { url: { need_render: true, value: "https://x/${id}" }, obj: { need_render: false, value: { a: [null, true, "中"] } } },
        outputs: { status: "${status}" },
      };
      store.putData("n", data);
      expect(store.data("n")).toStrictEqual(data);
      store.putData("n", { inputs: {}, outputs: {} });
      expect(store.data("n")).toStrictEqual({ inputs: {}, outputs: {} });

      const exec = { inputs: { a: 1, b: { c: [1, 2] } }, outputs: { _result: true, _loop: 1, text: "✓ done", nothing: null } };
      store.putExecutionData("n", exec);
      expect(store.executionData("n")).toStrictEqual(exec);
      store.putExecutionData("n", { inputs: {}, outputs: { _result: false } });
      expect(store.executionData("n")).toStrictEqual({ inputs: {}, outputs: { _result: false } });
    });
  });

  it("creates schedules with increasing ids, finds them by (node, version), and upserts them", async () => {
    await withStore((store) => {
      const a = store.newSchedule({ type: "POLL", processId: 1, nodeId: "n", version: "v1" });
      const b = store.newSchedule({ type: "CALLBACK", processId: 1, nodeId: "n", version: "v2" });
      const c = store.newSchedule({ type: "MULTIPLE_CALLBACK", processId: 2, nodeId: "m", version: "v1" });
      expect(b.id).toBeGreaterThan(a.id);
      expect(c.id).toBeGreaterThan(b.id);
      expect(a).toStrictEqual({ id: a.id, type: "POLL", processId: 1, nodeId: "n", version: "v1", finished: false, expired: false, scheduling: false, times: 0 });
      expect(store.schedule(a.id)).toStrictEqual(a);
      expect(store.scheduleOf("n", "v2")).toStrictEqual(b);
      expect(store.scheduleOf("m", "v1")).toStrictEqual(c);
      expect(store.scheduleOf("m", "v2")).toBeUndefined();
      expect(store.schedule(12345)).toBeUndefined();
      expect(store.latestScheduleOf("n")).toStrictEqual(b);
      expect(store.latestScheduleOf("nobody")).toBeUndefined();

      const done = { ...b, finished: true, scheduling: true, times: 3 };
      store.putSchedule(done);
      expect(store.schedule(b.id)).toStrictEqual(done);
      expect(store.scheduleOf("n", "v2")).toStrictEqual(done);
      store.putSchedule({ ...done, expired: true, finished: false, scheduling: false });
      expect(store.scheduleOf("n", "v2")).toStrictEqual({ ...done, expired: true, finished: false, scheduling: false });

      // One schedule per (node, version), whether created or upserted.
      expect(() => store.newSchedule({ type: "POLL", processId: 9, nodeId: "n", version: "v1" })).toThrow();
      expect(() => store.putSchedule({ ...c, id: 77, nodeId: "n", version: "v1" })).toThrow();
      // Moving a schedule to another version frees its old (node, version).
      store.putSchedule({ ...a, version: "v9" });
      expect(store.scheduleOf("n", "v1")).toBeUndefined();
      expect(store.scheduleOf("n", "v9")?.id).toBe(a.id);
    });
  });

  it("stores callback data with increasing ids", async () => {
    await withStore((store) => {
      const payload = { ok: true, items: [{ name: "Zoë", n: 1.5 }], none: null };
      const first = store.newCallbackData("n", "v1", payload);
      const second = store.newCallbackData("n", "v1", "plain string");
      const third = store.newCallbackData("m", "v2", null);
      const fourth = store.newCallbackData("m", "v2", undefined);
      expect(second.id).toBeGreaterThan(first.id);
      expect(third.id).toBeGreaterThan(second.id);
      expect(fourth.id).toBeGreaterThan(third.id);
      expect(first).toStrictEqual({ id: first.id, nodeId: "n", version: "v1", data: payload });
      expect(first.data).not.toBe(payload);
      expect(store.callbackData(first.id)).toStrictEqual(first);
      expect(store.callbackData(second.id)?.data).toBe("plain string");
      expect(store.callbackData(third.id)).toStrictEqual({ id: third.id, nodeId: "m", version: "v2", data: null });
      expect(store.callbackData(fourth.id)?.data).toBeUndefined();
      expect(store.callbackData(9999)).toBeUndefined();
    });
  });

  it("keeps histories per node in creation order", async () => {
    await withStore((store) => {
      expect(store.histories("n")).toEqual([]);
      store.addHistory(history("n", 1));
      store.addHistory(history("m", 1));
      store.addHistory(history("n", 2));
      store.addHistory(history("n", 3));
      const list = store.histories("n");
      expect(list.map((h) => h.loop)).toEqual([1, 2, 3]);
      expect(list[0]!.id).toBeLessThan(list[1]!.id);
      expect(list[1]!.id).toBeLessThan(list[2]!.id);
      for (const [i, h] of list.entries()) expect(h).toStrictEqual({ id: h.id, ...history("n", i + 1) });
      expect(store.histories("m")).toHaveLength(1);
    });
  });

  it("answers fresh objects: changing a result changes nothing stored", async () => {
    await withStore((store) => {
      store.putExecutionData("n", { inputs: { a: 1 }, outputs: {} });
      (store.executionData("n")!.inputs as Record<string, unknown>).a = 2;
      expect(store.executionData("n")!.inputs).toEqual({ a: 1 });
      const p = store.newProcess(processFields());
      (p.pipelineStack as string[]).push("x");
      expect(store.process(p.id)!.pipelineStack).toEqual(["root"]);
      expect(store.process(p.id)).not.toBe(store.process(p.id));
      (store.states() as StateRecord[]).push(state("ghost"));
      expect(store.states()).toEqual([]);
    });
  });
}

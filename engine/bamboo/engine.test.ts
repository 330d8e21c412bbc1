import { describe, expect, it } from "vitest";
import type { RunHost, WorkItem } from "../run-host";
import { withBuiltinComponents } from "./builtins";
import { MemoryBambooStore } from "./memory-store";
import { callback, forcedFailActivity, retryNode, skipNode } from "./operations";
import { prepareRun } from "./prepare";
import { DEFAULT_RUN_SETTINGS } from "./records";
import type { BambooRuntime } from "./runtime";
import type { BambooScripts, ServiceCall, ServiceInfo, ServiceResult } from "./service";
import { treeOf } from "./validator/test-trees";
import { validatePipelineTree } from "./validator";
import { runWork } from "./work";

/**
 * The engine core against its runtime interface alone: an in-memory store, a queue in an array and components
 * written in TypeScript. No Durable Object, no sandbox.
 */

interface Queued {
  item: WorkItem;
  dueAt: number;
}

function harness(components: Record<string, { info: ServiceInfo; call: (call: ServiceCall) => Partial<ServiceResult> }>) {
  let clock = 1_000_000;
  let ids = 0;
  const queue: Queued[] = [];
  const events: string[] = [];
  const host: RunHost = {
    now: () => clock,
    enqueue: (item, delayMs) => queue.push({ item, dueAt: clock + (delayMs ?? 0) }),
    cancel: (kind, key, value) => {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.item.kind === kind && queue[i]!.item.args[key] === value) queue.splice(i, 1);
    },
    emit: (type, data) => events.push(`${type}${data.node_id ? `(${String(data.node_id)})` : ""}`),
    newId: (prefix) => `${prefix}${++ids}`,
    background: () => {
      throw new Error("the bamboo engine starts no background work");
    },
  };
  const scripts: BambooScripts = {
    service: async (code) => components[code]!.info,
    callService: async (code, call) => ({ returned: true, outputs: call.outputs, scheduleFinished: false, ...components[code]!.call(call) }),
    lazyValue: async () => undefined,
    endEvent: async () => {},
  };
  const store = new MemoryBambooStore();
  const rt: BambooRuntime = { store, host, scripts: withBuiltinComponents(scripts, (code) => code in components), settings: DEFAULT_RUN_SETTINGS };
  /** Runs queued work, advancing the clock to each timer, until nothing is due within `horizonMs`. */
  const drain = async (horizonMs = 60_000) => {
    const until = clock + horizonMs;
    for (;;) {
      queue.sort((a, b) => a.dueAt - b.dueAt);
      const next = queue[0];
      if (next === undefined || next.dueAt > until) return;
      queue.shift();
      clock = Math.max(clock, next.dueAt);
      await runWork(rt, next.item, false);
    }
  };
  return { rt, store, queue, events, drain, enqueue: host.enqueue };
}

function start(rt: BambooRuntime, spec: Parameters<typeof treeOf>[0], codes: Record<string, string> = {}) {
  const tree = structuredClone(treeOf(spec)) as any;
  for (const activity of Object.values(tree.activities) as any[]) if (codes[activity.id]) activity.component.code = codes[activity.id];
  const validated = validatePipelineTree(tree, {});
  if (!validated.ok) throw new Error(validated.error.message);
  prepareRun(rt, validated.tree, { settings: DEFAULT_RUN_SETTINGS });
  return validated.tree.id;
}

const NO_SCHEDULE: ServiceInfo = { needSchedule: false, interval: null, multiCallback: false, needRunHook: false };

describe("the engine core on its runtime interface", () => {
  it("runs a tree with built-in components to FINISHED", async () => {
    const h = harness({});
    const P = start(h.rt, { id: "p", flows: ["s -> A -> PG -> [B, C] -> CG -> e"] }, { A: "noop", B: "noop", C: "noop" });
    await h.drain();
    expect(h.store.state(P)?.name).toBe("FINISHED");
    expect(h.store.states().map((s) => [s.nodeId, s.name])).toEqual(
      expect.arrayContaining([["A", "FINISHED"], ["B", "FINISHED"], ["C", "FINISHED"], ["CG", "FINISHED"], ["e", "FINISHED"]]),
    );
  });

  it("a duplicate execute for a process changes nothing", async () => {
    const calls: string[] = [];
    const h = harness({ counted: { info: NO_SCHEDULE, call: (call) => (calls.push(call.self.id), {}) } });
    start(h.rt, { id: "p", flows: ["s -> A -> e"] }, { A: "counted" });
    await h.drain();
    const before = JSON.stringify(h.store.states());
    h.enqueue({ kind: "bamboo.execute", args: { processId: 1, nodeId: "A" } });
    await h.drain();
    expect(calls).toEqual(["A"]);
    expect(JSON.stringify(h.store.states())).toBe(before);
  });

  it("a late poll of a replaced version expires its schedule and changes nothing else", async () => {
    const polls: string[] = [];
    const h = harness({
      slow: { info: { needSchedule: true, interval: 5, multiCallback: false, needRunHook: false }, call: (call) => (call.method === "schedule" && polls.push(call.self.version), {}) },
    });
    start(h.rt, { id: "p", flows: ["s -> A -> e"] }, { A: "slow" });
    await h.drain(1_000);
    expect(polls).toHaveLength(1);
    const v0 = h.store.state("A")!.version;
    await forcedFailActivity(h.rt, "A", "stop");
    const failed = JSON.stringify(h.store.executionData("A"));
    await h.drain();
    expect(polls).toHaveLength(1);
    expect(h.store.scheduleOf("A", v0)).toMatchObject({ expired: true, finished: false, times: 1 });
    expect(h.store.state("A")?.name).toBe("FAILED");
    expect(JSON.stringify(h.store.executionData("A"))).toBe(failed);
    await expect(callback(h.rt, "A", v0, {})).rejects.toThrow(/node version|schedule/);
  });

  it("polls at interval², and runs hooks in bamboo's order, on simulated time", async () => {
    const h = harness({
      square: {
        info: { needSchedule: true, interval: "square", multiCallback: false, needRunHook: false },
        call: (call) => ({ scheduleFinished: call.method === "schedule" && Number(call.outputs.n ?? 0) >= 3, outputs: { ...call.outputs, n: Number(call.outputs.n ?? 0) + (call.method === "schedule" ? 1 : 0) } }),
      },
    });
    start(h.rt, { id: "p", flows: ["s -> A -> e"] }, { A: "square" });
    await h.drain();
    // First poll at once, then after 1 s and 4 s: three polls, finished on the fourth (after 9 s more).
    expect(h.store.scheduleOf("A", h.store.state("A")!.version)).toMatchObject({ finished: true, times: 4 });
    expect(h.events.filter((e) => e.startsWith("pre_schedule"))).toHaveLength(4);
  });

  it("dispatches the operator hooks read-only, with callback data for pre/post_callback, and node_finish writable", async () => {
    const seen: { method: string; callbackData?: unknown }[] = [];
    const h = harness({
      hooked: {
        info: { needSchedule: true, interval: null, multiCallback: false, needRunHook: true },
        call: (call) => {
          seen.push({ method: call.method, ...("callbackData" in call ? { callbackData: call.callbackData } : {}) });
          const outputs = { ...call.outputs, [call.method]: true };
          return { outputs, returned: call.method === "schedule" ? false : true };
        },
      },
    });
    start(h.rt, { id: "p", flows: ["s -> A -> e"] }, { A: "hooked" });
    await h.drain();
    const version = h.store.state("A")!.version;
    await callback(h.rt, "A", version, { bit: 0 });
    await h.drain();
    expect(h.store.state("A")?.name).toBe("FAILED");
    await retryNode(h.rt, "A", undefined);
    await h.drain();
    await forcedFailActivity(h.rt, "A", "stop");
    await skipNode(h.rt, "A");
    await h.drain();
    expect(seen.map((s) => s.method)).toEqual([
      "node_enter", "pre_execute", "execute", "post_execute",
      "pre_callback", "post_callback", "pre_schedule", "schedule", "node_schedule_fail",
      "pre_retry_node", "post_retry_node", "node_enter", "pre_execute", "execute", "post_execute",
      "pre_forced_fail_activity", "post_forced_fail_activity", "pre_skip_node", "post_skip_node",
    ]);
    expect(seen.find((s) => s.method === "pre_callback")?.callbackData).toEqual({ bit: 0 });
    const outputs = h.store.executionData("A")!.outputs;
    for (const readOnly of ["pre_retry_node", "post_retry_node", "pre_forced_fail_activity", "post_forced_fail_activity", "pre_skip_node", "post_skip_node"]) {
      expect(outputs[readOnly], readOnly).toBeUndefined();
    }
    expect(outputs.post_execute).toBe(true);
    expect(h.store.state("A")).toMatchObject({ name: "FINISHED", skip: true });
  });
});

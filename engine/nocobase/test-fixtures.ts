import type { RunHost, WorkItem } from "../run-host";
import type { Instruction } from "./instruction";
import { instructionRegistry } from "./instructions";
import { MemoryNocobaseStore } from "./memory-store";
import { triggerExecution, type TriggerOptions } from "./operations";
import { WORK, type NocobaseRuntime, type NocobaseServices, type NocobaseSettings } from "./runtime";
import { JOB_STATUS } from "./statuses";
import { pathSegments } from "./variables";
import { runWork } from "./work";
import { linkWorkflow, validateWorkflow, type WorkflowDef, type WorkflowNodeDef } from "./workflow";

/**
 * Test-only: the test instructions of nocobase-scenarios.md ("Conventions") as TypeScript Instruction objects, and
 * a harness that runs one execution on the memory store with an array queue and a simulated clock.
 */

interface Queued {
  item: WorkItem;
  dueAt: number;
  seq: number;
}

export interface Harness {
  rt: NocobaseRuntime;
  store: MemoryNocobaseStore;
  queue: Queued[];
  events: { type: string; data: Readonly<Record<string, unknown>> }[];
  now(): number;
  /** Moves the clock forward without running anything (an instruction that takes time). */
  sleep(ms: number): void;
  /** Runs queued work due within `ms` from now, moving the clock to each item, then to now + ms. */
  advance(ms: number): Promise<void>;
  /** Runs queued work until nothing is due within `horizonMs` (NocoBase's "after settle"). */
  drain(horizonMs?: number): Promise<void>;
  trigger(options?: TriggerOptions & { manually?: boolean }): Promise<void>;
  execution(): NonNullable<ReturnType<MemoryNocobaseStore["execution"]>>;
  jobs(): ReturnType<MemoryNocobaseStore["jobs"]>;
  /** The same store and queue under a fresh runtime object, as after a restart. */
  restart(): void;
}

export function testInstructions(sleep: (ms: number) => void): Record<string, Instruction> {
  const get = (value: unknown, path: string) => pathSegments(path).reduce<any>((v, k) => (v == null ? undefined : v[k]), value);
  return {
    echo: {
      run: (node, input) => ({ status: JOB_STATUS.RESOLVED, result: node.config.path ? get(input?.result, String(node.config.path)) : input?.result }),
    },
    echoVariable: {
      run: (node, _input, processor) => ({ status: JOB_STATUS.RESOLVED, result: processor.getParsedValue(node.config.variable, node.id) }),
    },
    error: {
      run: () => {
        throw new Error("definite error");
      },
    },
    pending: {
      run: () => ({ status: JOB_STATUS.PENDING }),
      resume: (node, job) => (node.config.status != null ? { ...job, status: Number(node.config.status) } : job),
    },
    prompt: {
      run: () => ({ status: JOB_STATUS.PENDING }),
      resume: (_node, job) => ({ ...job, status: JOB_STATUS.RESOLVED }),
    },
    "prompt->error": {
      run: () => ({ status: JOB_STATUS.PENDING }),
      resume: () => {
        throw new Error("input failed");
      },
    },
    asyncResume: {
      async: true,
      run: (node, input, processor) => {
        const job = processor.saveJob({ status: JOB_STATUS.PENDING, nodeId: node.id, nodeKey: node.key, upstreamId: input && "id" in input ? input.id : null });
        processor.schedule({ kind: WORK.resume, args: { executionId: processor.execution.id, jobId: job.id, status: JOB_STATUS.RESOLVED } }, Number(node.config.duration ?? 100));
        return null;
      },
      resume: (_node, job) => job,
    },
    customizedSuccess: { run: () => ({ status: 100 }) },
    customizedError: { run: () => ({ status: -100 }) },
    timeConsume: {
      run: (node) => {
        sleep(Number(node.config.duration ?? 0));
        return { status: JOB_STATUS.RESOLVED };
      },
    },
  };
}

/** A workflow definition from nodes (async, no timeout, manual trigger, unless overridden). */
export function workflowOf(nodes: WorkflowNodeDef[], patch: Partial<WorkflowDef> = {}): WorkflowDef {
  return { key: "w", version: 1, sync: false, options: {}, trigger: { type: "manual" }, nodes, ...patch };
}

/** `services`: the run host's services a test's nodes use (e.g. formula/javascript on the real sandbox). */
export function harness(
  def: WorkflowDef,
  options: { settings?: NocobaseSettings; env?: Record<string, unknown>; extra?: Record<string, Instruction>; validate?: boolean; services?: Partial<NocobaseServices> } = {},
): Harness {
  let clock = 1_700_000_000_000;
  let ids = 0;
  let seq = 0;
  const queue: Queued[] = [];
  const events: Harness["events"] = [];
  const inflight: Promise<void>[] = [];
  /** Background tasks settle before the queue is looked at (their I/O is not simulated time). */
  const settle = async () => {
    while (inflight.length > 0) await Promise.all(inflight.splice(0));
  };
  const host: RunHost = {
    now: () => clock,
    enqueue: (item, delayMs) => queue.push({ item: structuredClone(item), dueAt: clock + (delayMs ?? 0), seq: seq++ }),
    cancel: (kind, key, value) => {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.item.kind === kind && queue[i]!.item.args[key] === value) queue.splice(i, 1);
    },
    emit: (type, data) => events.push({ type, data }),
    newId: (prefix) => `${prefix}${++ids}`,
    background: (task) => {
      inflight.push(
        task().then((item) => {
          if (item !== undefined) queue.push({ item: structuredClone(item), dueAt: clock, seq: seq++ });
        }),
      );
    },
  };
  const sleep = (ms: number) => {
    clock += ms;
  };
  const instructions = instructionRegistry({ ...testInstructions(sleep), ...options.extra });
  if (options.validate !== false) {
    const problems = validateWorkflow(def, (t) => instructions.has(t), (t) => instructions.get(t)?.async === true);
    if (problems.length) throw new Error(`invalid workflow: ${JSON.stringify(problems)}`);
  }
  const store = new MemoryNocobaseStore();
  const workflow = linkWorkflow(def);
  const services = options.services as NocobaseServices | undefined;
  const make = (): NocobaseRuntime => ({ store, host, instructions, workflow, env: options.env ?? {}, settings: options.settings ?? {}, services });
  const h: Harness = {
    rt: make(),
    store,
    queue,
    events,
    now: () => clock,
    sleep,
    async advance(ms) {
      const until = clock + ms;
      for (;;) {
        await settle();
        queue.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
        const next = queue[0];
        if (next === undefined || next.dueAt > until) break;
        queue.shift();
        clock = Math.max(clock, next.dueAt);
        await runWork(h.rt, next.item, false);
      }
      clock = Math.max(clock, until);
    },
    async drain(horizonMs = 60_000) {
      for (;;) {
        await settle();
        queue.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
        const next = queue[0];
        if (next === undefined || next.dueAt > clock + horizonMs) return;
        queue.shift();
        clock = Math.max(clock, next.dueAt);
        await runWork(h.rt, next.item, false);
      }
    },
    async trigger(opts = {}) {
      await triggerExecution(h.rt, opts);
    },
    execution: () => store.execution()!,
    jobs: () => store.jobs(),
    restart() {
      h.rt = make();
    },
  };
  return h;
}

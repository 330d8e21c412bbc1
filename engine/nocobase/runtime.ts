import type { OutboundRequest, OutboundResponse } from "../../net/outbound";
import type { RunHost } from "../run-host";
import type { InstructionRegistry } from "./instruction";
import type { NocobaseStore } from "./store";
import type { WorkflowGraph } from "./workflow";

/**
 * What the NocoBase engine needs from its host: the execution's tables, the run host (clock, work queue whose
 * delayed items are the timers, event log, ids), the instruction types, and the workflow version the execution
 * runs on. A Durable Object implements it; the Processor and the instructions know nothing else.
 */
export interface NocobaseRuntime {
  readonly store: NocobaseStore;
  readonly host: RunHost;
  readonly instructions: InstructionRegistry;
  /** The linked workflow version of the execution (`linkWorkflow`). */
  readonly workflow: WorkflowGraph;
  /** `$env`: the project's environment variables. */
  readonly env?: Readonly<Record<string, unknown>>;
  readonly settings?: NocobaseSettings;
  /** What reaches beyond the execution's tables: the sandbox, the network, signed URLs. Absent where none is needed. */
  readonly services?: NocobaseServices;
}

export interface NocobaseSettings {
  /** WORKFLOW_LOOP_LIMIT: a loop that would start iteration N+1 ends as ERROR with `exceeded: true`. 0/absent = none. */
  readonly loopLimit?: number;
}

/** How a sandboxed evaluation ended; `logs` is the script's console output, one line per entry. */
export type SandboxedOutcome =
  | { readonly ok: true; readonly value: unknown; readonly logs: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly timedOut: boolean; readonly logs: readonly string[] };

/** A call host → guest → host: the guest's `processor.<name>(...args)` arrives here with its JSON arguments. */
export type ProcessorCall = (args: readonly unknown[]) => Promise<unknown>;

/** Custom `instruction/{type}` scripts, as the engine calls them. */
export interface InstructionScripts {
  /** Whether the execution's pinned scripts hold `instruction/{type}`. */
  has(type: string): boolean;
  /** What the script's default export offers (`async` flag, which methods exist). */
  describe(type: string): Promise<InstructionShape>;
  /**
   * Calls `method` of the script's default export with JSON `args`; `processor` holds the host side of the guest's
   * processor object. The outcome's value is what the method returned (`undefined` kept apart from `null`).
   */
  call(type: string, method: InstructionMethod, args: readonly unknown[], processor: Readonly<Record<string, ProcessorCall>>): Promise<ScriptCallOutcome>;
}

export interface InstructionShape {
  readonly async: boolean;
  readonly methods: readonly string[];
}

export type InstructionMethod = "run" | "resume" | "getScope" | "validateConfig" | "useVariables" | "useScopeVariables";

/**
 * What a script method did: returned `value` (undefined when it returned undefined), or failed: `script_error` with
 * what it threw (`error`: name, message, own properties), `missing_method`, or a sandbox limit's code.
 */
export type ScriptCallOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly error: Readonly<Record<string, unknown>> };

/** The run host's effects outside the execution's own tables. */
export interface NocobaseServices {
  /**
   * formula.js: evaluates `expression`, a JavaScript expression, in the sandbox with every @formulajs/formulajs
   * function and each `scope` entry as a global. Never in the host.
   */
  formula(expression: string, scope: Readonly<Record<string, unknown>>): Promise<SandboxedOutcome>;
  /** The `script` node: `content` as the body of an async function, `args` as globals, within `timeoutMs`. */
  javascript(content: string, args: Readonly<Record<string, unknown>>, timeoutMs: number | undefined): Promise<SandboxedOutcome>;
  /** The `request` node's HTTP call, after the project's host rules; rejects with OutboundError. */
  fetch(request: OutboundRequest): Promise<OutboundResponse>;
  readonly instructions: InstructionScripts;
  /** The signed URL that resumes job `jobId` from outside (needs no API key). */
  resumeUrl(jobId: number): Promise<string>;
  /** The signed URL with which `assignee` submits manual task `taskId`. */
  taskUrl(taskId: number, assignee: string): Promise<string>;
  /**
   * Subscribes pending job `jobId` to the correlated event `name` + `correlationKey`, once the job is stored; the
   * host then resumes the job with the event's payload as its result. Absent where the host has no events.
   */
  waitForEvent?(jobId: number, name: string, correlationKey: string): Promise<void>;
}

/** Work item kinds the NocoBase engine queues on its run host. */
export const WORK = {
  /** `{executionId}`: enter a QUEUEING execution and run it from its head. */
  start: "nocobase.start",
  /** `{executionId, jobId, status?, result?, meta?}`: set those fields on the pending job, then resume it. */
  resume: "nocobase.resume",
  /**
   * `{executionId, jobId}` (jobId as a string, for `cancel`): a pending job's timer, which resumes it as it stands
   * (a delay node's duration; the deadline of an async request node's answer).
   */
  delay: "nocobase.delay",
  /** `{executionId}`: `options.timeout` has passed since the execution started. */
  timeout: "nocobase.timeout",
  /** `{executionId, jobId}`: resume a job whose new status is already stored (a manual node's tasks decided it). */
  resumeStored: "nocobase.resume-stored",
  /** `{executionId, nodeId}`: run a STARTED execution again from a node (`plugin.rerun`). */
  rerun: "nocobase.rerun",
  /** `{executionId, jobId, name, correlationKey}`: subscribe an `event` node's pending job to its correlated event. */
  awaitEvent: "nocobase.await-event",
} as const;

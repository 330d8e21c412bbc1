import type { WorkItem } from "../run-host";
import type { Instruction, InstructionInput, InstructionResult, JobInput, RunOptions } from "./instruction";
import type { ExecutionRecord, JobRecord, TaskRecord } from "./records";
import { WORK, type NocobaseRuntime } from "./runtime";
import { EXECUTION_REASON, EXECUTION_STATUS, JOB_STATUS, executionStatusOf, type ExecutionReason } from "./statuses";
import { parseTemplate, type VariableScope } from "./variables";
import type { FlowNode } from "./workflow";

/**
 * A job as the Processor hands it to instructions: NocoBase's job model. It is mutable (instructions set `status`
 * and `result` on it, then save or return it) and there is one object per id during a Processor's life.
 */
export type Job = { -readonly [K in keyof JobRecord]: JobRecord[K] };

type Instance = Instruction["run"];

/** Thrown into a running instruction's `signal` when the execution times out (its throw becomes an ABORTED job). */
export class WorkflowTimeoutError extends Error {
  constructor(message = "Workflow execution has been aborted") {
    super(message);
    this.name = "WorkflowTimeoutError";
  }
}

/**
 * NocoBase's Processor (nocobase-workflow.md §2): one per run or resume of an execution.
 *
 * Jobs are buffered: `saveJob` updates the in-memory models and the `$jobsMapByNodeKey` maps at once, and `exit`
 * writes every changed job, then the execution status, without an await in between (so a Durable Object commits
 * them as one batch). Timers asked for during the run (`schedule`) are queued on the run host in that same
 * flush, so a timer never exists without its job. Job ids are reserved from the store at `saveJob`, so they only
 * increase even though rows are written later.
 */
export class Processor {
  readonly nodes: readonly FlowNode[];
  readonly nodesMap: ReadonlyMap<number, FlowNode>;
  lastSavedJob: Job | null = null;

  private executionRecord: ExecutionRecord;
  private readonly jobsById = new Map<number, Job>();
  private readonly jobsByNodeKey: Record<string, Job> = {};
  private readonly jobResultsByNodeKey: Record<string, unknown> = {};
  private readonly unsaved = new Map<number, Job>();
  private readonly timers: { item: WorkItem; delayMs: number }[] = [];
  private readonly unsavedTasks: TaskRecord[] = [];
  private readonly abortController = new AbortController();
  private abortReason: ExecutionReason | null = null;

  constructor(readonly rt: NocobaseRuntime) {
    const execution = rt.store.execution();
    if (execution === undefined) throw new Error("no execution in this store");
    this.executionRecord = execution;
    this.nodes = rt.workflow.nodes;
    this.nodesMap = rt.workflow.byId;
  }

  /** The execution as last read or written by this processor. */
  get execution(): ExecutionRecord {
    return this.executionRecord;
  }

  /** The latest job of each node, by node key (the models `findBranchParentJob` answers). */
  get jobsMapByNodeKey(): Readonly<Record<string, Job>> {
    return this.jobsByNodeKey;
  }

  get abortSignal(): AbortSignal {
    return this.abortController.signal;
  }

  get settings() {
    return this.rt.settings ?? {};
  }

  now(): number {
    return this.rt.host.now();
  }

  /** Loads the latest job per node (highest id), feeding `jobsMapByNodeKey` and `$jobsMapByNodeKey`. */
  prepare(): void {
    for (const record of this.rt.store.latestJobs()) {
      const node = this.nodesMap.get(record.nodeId);
      if (node === undefined) continue; // a job of a node this version does not have
      const job: Job = { ...record };
      this.jobsById.set(job.id, job);
      this.jobsByNodeKey[node.key] = job;
      this.jobResultsByNodeKey[node.key] = job.result;
    }
  }

  /** Runs the execution from its head (§2.2 `start`). */
  async start(): Promise<void> {
    if (!this.shouldContinue()) {
      await this.exitIfTimedOut();
      return;
    }
    this.prepare();
    if (this.nodes.length === 0) {
      await this.exit(JOB_STATUS.RESOLVED);
      return;
    }
    const head = this.rt.workflow.head;
    if (head === null) {
      await this.exit(JOB_STATUS.ERROR);
      return;
    }
    await this.run(head);
  }

  /**
   * Resumes a job from outside (§2.5): `instruction.resume(nodeOf(job), job)` through `exec`. `patch` holds what
   * the caller set on the job (`status`, `result`, `meta`); it is saved with the rest of the run at `exit`.
   */
  async resume(jobId: number, patch: Partial<Pick<JobInput, "status" | "result" | "meta">> = {}): Promise<void> {
    if (!this.shouldContinue()) {
      await this.exitIfTimedOut();
      return;
    }
    this.prepare();
    const job = this.findJob(jobId);
    if (job === undefined) throw new Error(`job (#${jobId}) not found in execution (#${this.execution.id})`);
    if (Object.keys(patch).length > 0) this.saveJob({ ...patch, status: patch.status ?? job.status, id: job.id });
    const node = this.nodesMap.get(job.nodeId);
    if (node === undefined) throw new Error(`node (#${job.nodeId}) of job (#${jobId}) not found in workflow ${this.rt.workflow.def.key}`);
    await this.recall(node, job);
  }

  /**
   * `plugin.rerun` (§1.4): runs node `nodeId` again with its upstream's latest job as input (the head gets
   * `{result: context}`), as a new job; the walk goes on from there.
   */
  async rerun(nodeId: number): Promise<void> {
    if (!this.shouldContinue()) {
      await this.exitIfTimedOut();
      return;
    }
    this.prepare();
    const node = this.nodesMap.get(nodeId);
    if (node === undefined) throw new Error(`node (#${nodeId}) not found in workflow ${this.rt.workflow.def.key}`);
    const input: InstructionInput = node.upstream === null ? { result: this.execution.context } : (this.jobsByNodeKey[node.upstream.key] ?? undefined);
    await this.run(node, input, { rerun: true });
  }

  async run(node: FlowNode, input?: InstructionInput, options: Omit<RunOptions, "signal"> = {}): Promise<null | void> {
    const instruction = this.instructionOf(node);
    return this.exec((n, i, p, o) => instruction.run(n, i, p, o), node, input, options);
  }

  /** "This chain segment stopped at `node` with `job`": recall the branch parent, or end the execution. */
  async end(node: FlowNode, job: Job): Promise<null | void> {
    const parent = this.findBranchParentNode(node);
    if (parent !== null) {
      await this.recall(parent, job);
      return null;
    }
    return this.exit(job.status);
  }

  async recall(node: FlowNode, job: Job): Promise<null | void> {
    const instruction = this.instructionOf(node);
    const resume = instruction.resume;
    if (typeof resume !== "function") {
      throw new Error(`"resume" method should be implemented for [${node.type}] instruction of node (#${node.id})`);
    }
    return this.exec((n, j, p) => resume.call(instruction, n, j as Job, p), node, job);
  }

  /**
   * Runs one `run`/`resume` and acts on its return value (§1.1 table). After a RESOLVED job on a node with a
   * downstream, runs the downstream with that job as input; otherwise ends the chain segment.
   */
  private async exec(call: Instance, node: FlowNode, prevJob: InstructionInput, options: Omit<RunOptions, "signal"> = {}): Promise<null | void> {
    if (!this.shouldContinue()) {
      if (await this.exitIfTimedOut()) return null;
      return this.exit();
    }
    let returned: InstructionResult;
    try {
      returned = await call(node, prevJob, this, { ...options, signal: this.abortSignal });
      if (returned === null) return this.exit();
      if (!returned) return this.exit(true);
    } catch (error) {
      const failed: JobInput =
        error instanceof WorkflowTimeoutError || this.abortSignal.aborted
          ? { status: JOB_STATUS.ABORTED, result: { message: error instanceof Error ? error.message : String(error) } }
          : { status: JOB_STATUS.ERROR, result: error instanceof Error ? { ...error, message: error.message } : error };
      const resumed = prevJob !== undefined && "id" in prevJob ? this.jobsById.get(prevJob.id) : undefined;
      // A throw in the resume of the node's own job updates that job: one job, with the error.
      returned = resumed !== undefined && resumed.nodeId === node.id ? { ...failed, id: resumed.id } : failed;
    }
    const known = typeof returned.id === "number" ? this.findJob(returned.id) : undefined;
    const savedJob = this.saveJob(known !== undefined ? returned : { ...returned, nodeId: node.id, nodeKey: node.key, upstreamId: returned.upstreamId ?? upstreamIdOf(prevJob) });

    this.reload();
    if (this.executionRecord.status === EXECUTION_STATUS.ABORTED || this.timedOut()) return this.exit(JOB_STATUS.ABORTED);
    if (savedJob.status === JOB_STATUS.RESOLVED && node.downstream !== null) return this.run(node.downstream, savedJob);
    return this.end(node, savedJob);
  }

  /**
   * Records a job (§2.1 `saveJob`): a payload with the id of a job of this execution updates that job's
   * status/result/meta/log (a model passed back as is changes nothing more); any other payload creates a job with a
   * new, higher id. Either way it becomes its node's latest job for variables at once; storage is written at `exit`.
   */
  saveJob(payload: JobInput | Job): Job {
    const now = this.now();
    const existing = typeof payload.id === "number" ? this.findJob(payload.id) : undefined;
    let job: Job;
    if (existing !== undefined) {
      job = existing;
      if (payload !== existing) {
        if ("status" in payload) job.status = payload.status;
        if ("result" in payload) job.result = payload.result;
        if ("meta" in payload) job.meta = payload.meta;
        if ("log" in payload) job.log = payload.log ?? null;
      }
      job.updatedAt = now;
    } else {
      const node =
        (payload.nodeId !== undefined ? this.nodesMap.get(payload.nodeId) : undefined) ??
        (payload.nodeKey !== undefined ? this.rt.workflow.byKey.get(payload.nodeKey) : undefined);
      if (node === undefined) throw new Error(`saveJob: the job names no node of this workflow (nodeId ${String(payload.nodeId)}, nodeKey ${String(payload.nodeKey)})`);
      job = {
        id: this.rt.store.newJobId(),
        executionId: this.execution.id,
        nodeId: node.id,
        nodeKey: node.key,
        upstreamId: payload.upstreamId ?? null,
        status: payload.status,
        result: payload.result === undefined ? null : payload.result,
        meta: payload.meta === undefined ? null : payload.meta,
        log: payload.log ?? null,
        createdAt: now,
        updatedAt: now,
      };
      this.jobsById.set(job.id, job);
    }
    this.unsaved.set(job.id, job);
    this.lastSavedJob = job;
    this.jobsByNodeKey[job.nodeKey] = job;
    this.jobResultsByNodeKey[job.nodeKey] = job.result;
    return job;
  }

  /** Records a manual task, written together with the jobs at the next `exit` (so a task never outlives its job). */
  saveTask(task: Omit<TaskRecord, "id" | "createdAt" | "updatedAt">): TaskRecord {
    const now = this.now();
    const saved: TaskRecord = { ...task, id: this.rt.store.newTaskId(), createdAt: now, updatedAt: now };
    this.unsavedTasks.push(saved);
    return saved;
  }

  /** Queues work on the run host (a timer when `delayMs` > 0) together with the jobs of the next `exit`. */
  schedule(item: WorkItem, delayMs = 0): void {
    this.timers.push({ item, delayMs });
  }

  /** Writes `output` on the execution now (the `output` node), unless it has ended. */
  setOutput(output: unknown): void {
    this.reload();
    this.executionRecord = { ...this.executionRecord, output };
    this.rt.store.putExecution(this.executionRecord);
  }

  /**
   * §2.3. `exit(true)`: nothing. `exit()`: flush the jobs (and timers); the execution stays as it is. `exit(n)`:
   * flush, then set the execution status to StatusMap[n] ?? sign(n) only if it is still STARTED, so the first
   * terminal status wins (`exit(0)` leaves it STARTED).
   */
  async exit(status?: number | true | null): Promise<null> {
    if (status === true) return null;
    this.flush();
    this.reload();
    if (typeof status === "number" && this.executionRecord.status === EXECUTION_STATUS.STARTED) {
      const next = executionStatusOf(status);
      if (next !== EXECUTION_STATUS.STARTED) {
        const reason = next === EXECUTION_STATUS.ABORTED ? this.abortReason : this.executionRecord.reason;
        this.executionRecord = { ...this.executionRecord, status: next, reason };
        this.rt.store.putExecution(this.executionRecord);
        this.rt.host.emit("execution", { execution_id: this.execution.id, status: next, reason });
      }
    }
    const ended = this.executionRecord.status !== EXECUTION_STATUS.STARTED && this.executionRecord.status !== EXECUTION_STATUS.QUEUEING;
    if (ended) {
      this.rt.host.cancel(WORK.timeout, "executionId", this.execution.id);
      // An aborted execution keeps no pending job, including one this run flushed after the abort was written.
      if (this.executionRecord.status === EXECUTION_STATUS.ABORTED) abortPendingJobs(this.rt);
    }
    return null;
  }

  /** Aborts the run in progress (NocoBase's abortExecution): the instruction's `signal` fires and the next step ends it ABORTED. */
  abort(reason: ExecutionReason): void {
    this.abortReason = reason;
    if (!this.abortController.signal.aborted) {
      this.abortController.abort(reason === EXECUTION_REASON.TIMEOUT ? new WorkflowTimeoutError() : new Error("Workflow execution has been aborted"));
    }
  }

  getBranches(node: FlowNode): FlowNode[] {
    return this.nodes.filter((n) => n.upstream === node && n.branchIndex !== null).sort((a, b) => Number(a.branchIndex) - Number(b.branchIndex));
  }

  /** The first node of the branch `node` is in (of `parent`'s branches when given). */
  findBranchStartNode(node: FlowNode, parent?: FlowNode): FlowNode | null {
    for (let n: FlowNode | null = node; n !== null; n = n.upstream) {
      if (parent === undefined ? n.branchIndex !== null : n.upstream === parent) return n;
    }
    return null;
  }

  /** The node that opened the branch `node` is in; null on the main chain. */
  findBranchParentNode(node: FlowNode | null | undefined): FlowNode | null {
    for (let n = node ?? null; n !== null; n = n.upstream) if (n.branchIndex !== null) return n.upstream;
    return null;
  }

  findBranchEndNode(node: FlowNode): FlowNode {
    let n = node;
    while (n.downstream !== null) n = n.downstream;
    return n;
  }

  findBranchParentJob(_job: Job | undefined, node: FlowNode): Job | null {
    return this.jobsByNodeKey[node.key] ?? null;
  }

  /** The highest-id latest job among the nodes of the branch starting at `branchStart` (its own chain only). */
  findBranchLastJob(branchStart: FlowNode): Job | null {
    const ids = new Set<number>();
    for (let n: FlowNode | null = this.findBranchEndNode(branchStart); n !== null && n !== branchStart.upstream; n = n.upstream) ids.add(n.id);
    let last: Job | null = null;
    for (const job of Object.values(this.jobsByNodeKey)) if (ids.has(job.nodeId) && (last === null || job.id > last.id)) last = job;
    return last;
  }

  /** §4.1: `$context`, `$jobsMapByNodeKey`, `$scopes` of the enclosing branching nodes (and the node itself when asked), `$system`, `$env`, and `ctx`. */
  getScope(sourceNodeId?: number, includeSelfScope = false): VariableScope {
    const node = sourceNodeId === undefined ? undefined : this.nodesMap.get(sourceNodeId);
    const $scopes: Record<string, unknown> = {};
    for (let n = includeSelfScope ? (node ?? null) : this.findBranchParentNode(node); n !== null; n = this.findBranchParentNode(n)) {
      const instruction = this.rt.instructions.get(n.type);
      if (typeof instruction?.getScope === "function") {
        $scopes[n.id] = $scopes[n.key] = instruction.getScope(n, this.jobResultsByNodeKey[n.key], this);
      }
    }
    const scope = {
      $context: this.execution.context,
      $jobsMapByNodeKey: this.jobResultsByNodeKey,
      $system: { now: () => new Date(this.now()) },
      $scopes,
      $env: this.rt.env ?? {},
    };
    return { ...scope, ctx: scope };
  }

  /** A config value with its `{{…}}` templates resolved in the scope of node `sourceNodeId` (§4.2). */
  getParsedValue(value: unknown, sourceNodeId?: number, options: { additionalScope?: Record<string, unknown>; includeSelfScope?: boolean } = {}): any {
    const scope = { ...this.getScope(sourceNodeId, options.includeSelfScope ?? false), ...options.additionalScope };
    return parseTemplate(value, scope);
  }

  private instructionOf(node: FlowNode): Instruction {
    const instruction = this.rt.instructions.get(node.type);
    if (instruction === undefined) throw new Error(`instruction [${node.type}] not found for node (#${node.id})`);
    return instruction;
  }

  /** The one model of job `id` of this execution: from this run, else loaded from storage. */
  findJob(id: number): Job | undefined {
    let job = this.jobsById.get(id);
    if (job === undefined) {
      const record = this.rt.store.job(id);
      if (record === undefined || record.executionId !== this.execution.id) return undefined;
      job = { ...record };
      this.jobsById.set(id, job);
    }
    return job;
  }

  private reload(): void {
    const current = this.rt.store.execution();
    if (current !== undefined) this.executionRecord = current;
  }

  private timedOut(): boolean {
    if (this.abortReason === EXECUTION_REASON.TIMEOUT) return true;
    const { expiresAt } = this.executionRecord;
    if (expiresAt !== null && this.now() >= expiresAt) {
      this.abort(EXECUTION_REASON.TIMEOUT);
      return true;
    }
    return false;
  }

  /** `shouldContinue`: the execution is STARTED and has not expired. */
  private shouldContinue(): boolean {
    this.reload();
    return this.executionRecord.status === EXECUTION_STATUS.STARTED && !this.timedOut();
  }

  /** An expired STARTED execution ends ABORTED with reason `timeout` (what NocoBase's timeout manager does). */
  private async exitIfTimedOut(): Promise<boolean> {
    if (this.executionRecord.status !== EXECUTION_STATUS.STARTED || !this.timedOut()) return false;
    await this.exit(JOB_STATUS.ABORTED);
    return true;
  }

  private flush(): void {
    for (const job of this.unsaved.values()) {
      this.rt.store.putJob({ ...job });
      this.rt.host.emit("job", { execution_id: job.executionId, job_id: job.id, node_key: job.nodeKey, status: job.status });
    }
    this.unsaved.clear();
    for (const task of this.unsavedTasks.splice(0)) this.rt.store.putTask(task);
    for (const { item, delayMs } of this.timers.splice(0)) this.rt.host.enqueue(item, delayMs);
  }
}

function upstreamIdOf(input: InstructionInput): number | null {
  return input !== undefined && "id" in input && typeof input.id === "number" ? input.id : null;
}

/** Every PENDING job of the execution becomes ABORTED (timeout, cancel), with its event, and their delay timers are dropped. */
export function abortPendingJobs(rt: NocobaseRuntime): void {
  const now = rt.host.now();
  for (const job of rt.store.jobs()) {
    if (job.status !== JOB_STATUS.PENDING) continue;
    rt.store.putJob({ ...job, status: JOB_STATUS.ABORTED, updatedAt: now });
    // Like every stored job change, the abort is an event (subscribers and the event log see the job end).
    rt.host.emit("job", { execution_id: job.executionId, job_id: job.id, node_key: job.nodeKey, status: JOB_STATUS.ABORTED });
    rt.host.cancel(WORK.delay, "jobId", String(job.id));
  }
}

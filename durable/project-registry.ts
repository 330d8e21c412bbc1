import { DurableObject } from "cloudflare:workers";
import type { ProjectSettings } from "./project-settings";
import { newApiKey, newHookKey, sha256Hex } from "../security/secrets";
import { DEFAULT_INVOCATIONS_KEPT, InvocationLog, type InvocationFilter, type InvocationSummary, type NewInvocation, type StoredInvocation } from "./invocations";
import { Registry, type Manifest, type PutScriptResult, type ScriptDetail, type ScriptSummary } from "./registry";
import { RunIndex, type RunSummary } from "./run-index";
import { WorkflowRegistry, type ExecutionSummary, type WorkflowSummary, type WorkflowVersion } from "./workflow-registry";
import type { WorkflowDef } from "../engine/nocobase/workflow";
import type { ScheduleConfig } from "../engine/nocobase/triggers";
import type { ExecutionRun } from "./execution-run";
import { startExecution } from "./start-execution";
import { SubscriptionStore, type DeliveryAttempt, type Subscription, type SubscriptionSnapshot } from "./subscriptions";
import { WorkflowSchedules } from "./workflow-schedules";

export interface RegistryEnv {
  readonly EXECUTION_RUNS: DurableObjectNamespace<ExecutionRun>;
}

/** A workflow version as the registry answers it, with the workflow's version list. */
export type StoredWorkflow = WorkflowVersion & { versions: { version: number; executed: number; createdAt: string }[] };

/**
 * One per project (named by the project). Holds the registry strongly consistent; every method is an RPC.
 * Methods answer undefined (or false) when the project does not exist, and the Worker turns that into 404.
 */
export class ProjectRegistry extends DurableObject<RegistryEnv> {
  private readonly registry = new Registry(this.ctx.storage.sql);
  private readonly runs = new RunIndex(this.ctx.storage.sql);
  private readonly workflows = new WorkflowRegistry(this.ctx.storage.sql);
  private readonly schedules = new WorkflowSchedules(this.ctx.storage.sql);
  private readonly subscriptions = new SubscriptionStore(this.ctx.storage.sql);
  private readonly invocations = new InvocationLog(this.ctx.storage.sql);

  async create(project: string): Promise<{ apiKey: string; hookKey: string } | undefined> {
    const apiKey = newApiKey(project);
    const hookKey = newHookKey();
    const created = this.registry.create(project, apiKey.keyId, await sha256Hex(apiKey.token), await sha256Hex(hookKey));
    return created ? { apiKey: apiKey.token, hookKey } : undefined;
  }

  manifest(): Manifest | undefined {
    return this.registry.manifest();
  }

  updateSettings(patch: ProjectSettings): ProjectSettings | undefined {
    if (this.registry.project === undefined) return undefined;
    const settings = this.registry.updateSettings(patch);
    // A lower bound applies at once, not at the next recorded call.
    if (patch.invocations?.keep !== undefined) this.invocations.trim(patch.invocations.keep);
    return settings;
  }

  verifyApiKey(keyId: string, hash: string): boolean {
    return this.registry.verifyApiKey(keyId, hash);
  }

  async addApiKey(): Promise<{ keyId: string; apiKey: string } | undefined> {
    const project = this.registry.project;
    if (project === undefined) return undefined;
    const key = newApiKey(project);
    this.registry.addApiKey(key.keyId, await sha256Hex(key.token));
    return { keyId: key.keyId, apiKey: key.token };
  }

  revokeApiKey(keyId: string): boolean {
    return this.registry.revokeApiKey(keyId);
  }

  /** See Registry.rotateSigningSecret; undefined when the project does not exist. */
  rotateSigningSecret(): { readonly rotatedAt: string; readonly previousValidUntil: string } | undefined {
    return this.registry.project === undefined ? undefined : this.registry.rotateSigningSecret();
  }

  /** The secret new signed links are signed with (run objects ask, so a rotation reaches runs in flight). */
  signingSecret(): string | undefined {
    return this.registry.project === undefined ? undefined : this.registry.signingSecret();
  }

  async rotateHookKey(): Promise<string | undefined> {
    if (this.registry.project === undefined) return undefined;
    const hookKey = newHookKey();
    this.registry.rotateHookKey(await sha256Hex(hookKey));
    return hookKey;
  }

  putScript(path: string, source: string, sha256: string): PutScriptResult | undefined {
    return this.registry.project === undefined ? undefined : this.registry.putScript(path, source, sha256);
  }

  listScripts(): ScriptSummary[] {
    return this.registry.listScripts();
  }

  getScript(path: string, version?: number): ScriptDetail | undefined {
    return this.registry.getScript(path, version);
  }

  sources(sha256s: string[]): Record<string, string> {
    return this.registry.sources(sha256s);
  }

  deleteScript(path: string): boolean {
    return this.registry.deleteScript(path);
  }

  rollback(path: string, version: number): PutScriptResult | undefined {
    return this.registry.rollback(path, version);
  }

  /** Records a hook call (see InvocationLog); a project that does not exist records nothing. */
  recordInvocation(invocation: NewInvocation): void {
    if (this.registry.project === undefined) return;
    this.invocations.record(invocation, this.registry.settings().invocations?.keep ?? DEFAULT_INVOCATIONS_KEPT);
  }

  listInvocations(filter: InvocationFilter): InvocationSummary[] {
    return this.invocations.list(filter);
  }

  getInvocation(id: string): StoredInvocation | undefined {
    return this.invocations.get(id);
  }

  /** Lists a pipeline's state; answers the subscriptions too (see subscriptionSnapshot), saving the run a call. */
  recordRun(id: string, state = "RUNNING", knownSubscriptionsKey?: string): { readonly value: true; readonly subscriptions: SubscriptionSnapshot | undefined } {
    this.runs.record(id, state);
    return { value: true, subscriptions: this.subscriptionSnapshot(knownSubscriptionsKey) };
  }

  listRuns(state: string | undefined, cursor: number | undefined, limit: number): { runs: RunSummary[]; next: number | null } {
    return this.runs.list(state, cursor, limit);
  }

  /**
   * Saves a workflow version; a schedule trigger of an enabled workflow is (re)armed on the object's alarm, with
   * `origin` as the origin of the signed links its executions make.
   */
  async putWorkflow(definition: Omit<WorkflowDef, "version"> & { enabled?: boolean }, sha256: string, origin: string): Promise<{ version: number; created: boolean } | undefined> {
    if (this.registry.project === undefined) return undefined;
    const saved = this.workflows.put(definition, sha256);
    if (saved.created) {
      if (definition.trigger.type === "schedule" && definition.enabled !== false) {
        this.schedules.set(definition.key, saved.version, (definition.trigger.config ?? {}) as ScheduleConfig, origin, Date.now());
      } else {
        this.schedules.remove(definition.key);
      }
      await this.armSchedules();
    }
    return saved;
  }

  getWorkflow(key: string, version?: number): StoredWorkflow | undefined {
    const found = this.workflows.get(key, version);
    return found === undefined ? undefined : { ...found, versions: this.workflows.versions(key) };
  }

  listWorkflows(): WorkflowSummary[] {
    return this.workflows.list();
  }

  async deleteWorkflow(key: string): Promise<boolean> {
    const deleted = this.workflows.delete(key);
    this.schedules.remove(key);
    await this.armSchedules();
    return deleted;
  }

  /**
   * Fires the schedules that are due: each starts an execution with `$context = {date}` and the event key
   * `<workflow>@<time>`, so an alarm delivered twice starts nothing the second time.
   */
  override async alarm(): Promise<void> {
    const manifest = this.registry.manifest();
    const now = Date.now();
    for (const due of manifest === undefined ? [] : this.schedules.due(now)) {
      const stored = this.workflows.get(due.key, due.version);
      try {
        if (stored !== undefined) {
          const context = { date: new Date(due.at).toISOString() };
          const started = await startExecution(this.env.EXECUTION_RUNS, manifest!, stored.definition, { context, eventKey: `${due.key}@${due.at}`, origin: due.origin });
          if (!started.ok) console.error(`[schedule ${manifest!.project}/${due.key}] not started: ${started.message}`);
        }
      } catch (error) {
        // Retried by the next alarm; the event key keeps a retry from starting the execution twice.
        console.error(`[schedule ${manifest!.project}/${due.key}] failed to start:`, error);
        await this.ctx.storage.setAlarm(Date.now() + 1000);
        return;
      }
      this.schedules.fired(due.key, due.at, Date.now());
    }
    await this.armSchedules();
  }

  private async armSchedules(): Promise<void> {
    const at = this.schedules.earliest();
    if (at === undefined) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /** Lists an execution's status; answers the subscriptions too (see subscriptionSnapshot), saving the run a call. */
  recordExecution(id: string, key: string, version: number, status: number | null, knownSubscriptionsKey?: string): { readonly value: true; readonly subscriptions: SubscriptionSnapshot | undefined } {
    this.workflows.recordExecution(id, key, version, status);
    return { value: true, subscriptions: this.subscriptionSnapshot(knownSubscriptionsKey) };
  }

  forgetExecution(id: string): void {
    this.workflows.forgetExecution(id);
  }

  listExecutions(key: string, cursor: number | undefined, limit: number): { executions: ExecutionSummary[]; next: number | null } {
    return this.workflows.listExecutions(key, cursor, limit);
  }

  putSubscription(name: string, url: string, events: readonly string[], rotate: boolean): { subscription: Subscription; created: boolean } | undefined {
    return this.registry.project === undefined ? undefined : this.subscriptions.put(name, url, events, rotate);
  }

  getSubscription(name: string): Subscription | undefined {
    return this.subscriptions.get(name);
  }

  listSubscriptions(): Subscription[] {
    return this.subscriptions.list();
  }

  deleteSubscription(name: string): boolean {
    return this.subscriptions.delete(name);
  }

  subscriptionDeliveries(name: string): DeliveryAttempt[] | undefined {
    return this.subscriptions.get(name) === undefined ? undefined : this.subscriptions.deliveries(name);
  }

  recordDeliveries(name: string, attempts: readonly DeliveryAttempt[]): void {
    this.subscriptions.record(name, attempts);
  }

  /**
   * The subscriptions and the URL rules that apply to them (the `request` node's settings), for a run object's
   * cache: undefined when `knownKey` is still current.
   */
  subscriptionSnapshot(knownKey?: string): SubscriptionSnapshot | undefined {
    const { requestHosts, allowPrivateNetwork } = this.registry.settings().workflows ?? {};
    const rules = { ...(requestHosts === undefined ? {} : { requestHosts }), ...(allowPrivateNetwork === undefined ? {} : { allowPrivateNetwork }) };
    const key = `${this.subscriptions.generation}:${JSON.stringify(rules)}`;
    if (key === knownKey) return undefined;
    return { key, subscriptions: this.subscriptions.list(), rules };
  }
}

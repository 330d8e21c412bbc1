import type { WorkflowDef } from "../engine/nocobase/workflow";
import { resolveLimits } from "../sandbox";
import type { ExecutionIdentity, ExecutionRun, ExecutionView } from "./execution-run";
import { isWorkflowScript } from "./instruction-scripts";
import type { PinnedScripts } from "./pinned-sources";
import type { Manifest } from "./registry";
import type { Answer } from "./run-object";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * An execution's id. With an event key it is derived from the workflow key and the event key, so the same event
 * names the same Durable Object, which starts nothing the second time: de-duplication without a shared index.
 */
export async function executionIdOf(workflowKey: string, eventKey: string | undefined): Promise<string> {
  if (eventKey === undefined) return `e${crypto.randomUUID().replaceAll("-", "")}`;
  return `e${(await sha256Hex(`${workflowKey}\n${eventKey}`)).slice(0, 32)}`;
}

/** Executions are named within their project, so ids never collide across projects. */
export function executionObjectName(project: string, executionId: string): string {
  return `${project}/${executionId}`;
}

/** The workflow scripts of a manifest, as an execution pins them when it starts. */
export function pinnedWorkflowScripts(manifest: Manifest): PinnedScripts {
  return Object.fromEntries(Object.entries(manifest.scripts).filter(([path]) => isWorkflowScript(path)));
}

export interface ExecutionRequest {
  readonly context: unknown;
  readonly eventKey?: string;
  /** The origin signed links carry when the project sets no `publicOrigin`. */
  readonly origin: string;
}

/** Starts an execution of `workflow` (a stored version) with the project's current scripts and settings. */
export async function startExecution(
  executions: DurableObjectNamespace<ExecutionRun>,
  manifest: Manifest,
  workflow: WorkflowDef,
  request: ExecutionRequest,
): Promise<Answer<{ execution: ExecutionView; existing: boolean }>> {
  const executionId = await executionIdOf(workflow.key, request.eventKey);
  const settings = manifest.settings.workflows ?? {};
  const identity: ExecutionIdentity = {
    project: manifest.project,
    scripts: pinnedWorkflowScripts(manifest),
    limits: resolveLimits(manifest.settings.limits),
    executionId,
    workflow,
    env: settings.env ?? {},
    loopLimit: settings.loopLimit ?? 0,
    ...(settings.requestHosts === undefined ? {} : { requestHosts: settings.requestHosts }),
    allowPrivateNetwork: settings.allowPrivateNetwork ?? false,
    origin: manifest.settings.publicOrigin ?? request.origin,
  };
  const stub = executions.get(executions.idFromName(executionObjectName(manifest.project, executionId)));
  return stub.start(identity, { context: request.context, ...(request.eventKey === undefined ? {} : { eventKey: request.eventKey }) });
}

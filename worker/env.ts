import type { EventBroker } from "../durable/event-broker";
import type { ExecutionRun } from "../durable/execution-run";
import type { Metrics } from "../durable/metrics-object";
import { executionObjectName } from "../durable/start-execution";
import type { PipelineRun } from "../durable/pipeline-run";
import type { ProjectRegistry } from "../durable/project-registry";

export interface Bindings {
  readonly PROJECTS: DurableObjectNamespace<ProjectRegistry>;
  readonly PIPELINE_RUNS: DurableObjectNamespace<PipelineRun>;
  readonly EXECUTION_RUNS: DurableObjectNamespace<ExecutionRun>;
  readonly EVENT_BROKERS: DurableObjectNamespace<EventBroker>;
  readonly METRICS: DurableObjectNamespace<Metrics>;
  readonly HOOKFLOW_ADMIN_TOKEN?: string;
  readonly HOOKFLOW_VERSION: string;
}

/** Who a request acts for, set by the auth middleware. */
export type Principal = { readonly kind: "admin" } | { readonly kind: "project"; readonly project: string; readonly keyId: string };

export interface AppEnv {
  Bindings: Bindings;
  Variables: { principal: Principal };
}

export function registryOf(env: Bindings, project: string) {
  return env.PROJECTS.get(env.PROJECTS.idFromName(project));
}

/** The Durable Object of one pipeline run; runs are named within their project, so ids never collide across projects. */
export function pipelineRunOf(env: Bindings, project: string, pipelineId: string) {
  return env.PIPELINE_RUNS.get(env.PIPELINE_RUNS.idFromName(`${project}/${pipelineId}`));
}

/** The Durable Object of one NocoBase execution. */
export function executionRunOf(env: Bindings, project: string, executionId: string) {
  return env.EXECUTION_RUNS.get(env.EXECUTION_RUNS.idFromName(executionObjectName(project, executionId)));
}

import { app } from "./app";

export { EventBroker } from "../durable/event-broker";
export { ExecutionRun } from "../durable/execution-run";
export { Metrics } from "../durable/metrics-object";
export { PipelineRun } from "../durable/pipeline-run";
export { ProjectRegistry } from "../durable/project-registry";

export default app;

import { app } from "./app";

export { EventBroker } from "../durable/event-broker";
export { ExecutionRun } from "../durable/execution-run";
export { PipelineRun } from "../durable/pipeline-run";
export { ProjectRegistry } from "../durable/project-registry";

export default app;

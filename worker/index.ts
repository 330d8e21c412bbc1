import { app } from "./app";

export { PipelineRun } from "../durable/pipeline-run";
export { ProjectRegistry } from "../durable/project-registry";

export default app;

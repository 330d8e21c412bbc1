import { app } from "./app";

export { ProjectRegistry } from "../durable/project-registry";

export default app;

import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { openAPIRouteHandler } from "hono-openapi";
import { flushMetricsSoon } from "../durable/metrics-object";
import type { AppEnv } from "./env";
import { ApiError, onError, onNotFound } from "./errors";
import { consoleRoutes } from "./routes/console";
import { correlatedEvents } from "./routes/correlated-events";
import { fireboom } from "./fireboom";
import { invocations } from "./routes/invocations";
import { invoke } from "./routes/invoke";
import { metrics } from "./routes/metrics";
import { pipelines } from "./routes/pipelines";
import { projects } from "./routes/projects";
import { scripts } from "./routes/scripts";
import { signed } from "./routes/signed";
import { subscriptions } from "./routes/subscriptions";
import { workflows } from "./routes/workflows";
import { API_ERROR_RESPONSE } from "./schemas/api-error";

/** JSON bodies of the management API; script uploads have their own, smaller limit. */
const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

export const app = new Hono<AppEnv>();

app.onError(onError);
app.notFound(onNotFound);

// After each request, the figures it recorded go to the Metrics object in the background, coalesced (at most
// one send per second per isolate): the request itself only incremented counters in memory.
app.use(async (c, next) => {
  await next();
  let keepAlive: ((work: Promise<void>) => void) | undefined;
  try {
    const ctx = c.executionCtx;
    keepAlive = (work) => ctx.waitUntil(work);
  } catch {
    // No execution context (a plain fetch of the app): the send runs on its own timer.
  }
  flushMetricsSoon(c.env, keepAlive);
});

app.get("/healthz", (c) => c.json({ status: "ok", version: c.env.HOOKFLOW_VERSION }));

app.use(
  "/v1/*",
  bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `request bodies are at most ${MAX_JSON_BODY_BYTES} bytes`);
    },
  }),
);
app.route("/v1/projects", projects);
app.route("/v1/projects", scripts);
app.route("/v1/projects", invoke);
app.route("/v1/projects", invocations);
app.route("/v1/projects", pipelines);
app.route("/v1/projects", workflows);
app.route("/v1/projects", correlatedEvents);
app.route("/v1/projects", subscriptions);
app.route("/v1/signed", signed);
app.route("/fireboom", fireboom);
app.route("/", metrics);
app.route("/console", consoleRoutes);

app.get(
  "/openapi.json",
  openAPIRouteHandler(app, {
    defaultValidationErrorResponse: API_ERROR_RESPONSE,
    documentation: {
      openapi: "3.1.0",
      info: { title: "hookflow", version: "0.1.0", description: "Edge runtime for Fireboom hooks, bamboo-engine pipelines and NocoBase workflow instructions" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  }),
);

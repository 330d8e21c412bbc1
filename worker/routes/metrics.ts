import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { metricsObject, type ScrapeAccess } from "../../durable/metrics-object";
import { exposition, EXPOSITION_CONTENT_TYPE } from "../../metrics/exposition";
import { metrics as isolateMetrics } from "../../metrics/recorder";
import { authenticate, bearer, requireAdmin, unauthorized } from "../auth";
import type { AppEnv } from "../env";
import { API_ERROR_RESPONSE } from "../schemas/api-error";
import { newScrapeToken, secretsEqual, sha256Hex } from "../../security/secrets";

/** GET /metrics (Prometheus) and the rotation of its scrape token; docs/operations.md lists the metrics. */
export const metrics = new Hono<AppEnv>();

metrics.get(
  "/metrics",
  describeRoute({
    summary: "The runtime's metrics in Prometheus text format 0.0.4 (docs/operations.md); the admin token or the scrape token",
    tags: ["operations"],
    responses: {
      200: { description: "Prometheus text exposition", content: { [EXPOSITION_CONTENT_TYPE]: { schema: { type: "string" } } } },
      401: { description: "no token, or neither the admin token nor the current scrape token", content: API_ERROR_RESPONSE.content },
    },
  }),
  async (c) => {
    const token = bearer(c.req.header("Authorization"));
    if (token === undefined) throw unauthorized();
    const admin = c.env.HOOKFLOW_ADMIN_TOKEN;
    const access: ScrapeAccess = admin && (await secretsEqual(token, admin)) ? { admin: true } : { tokenHash: await sha256Hex(token) };
    // This isolate's unsent figures go along, so a scrape sees everything recorded here so far.
    const pending = isolateMetrics.take();
    let figures;
    try {
      figures = await metricsObject(c.env).scrape(access, pending);
    } catch (error) {
      if (pending !== undefined) isolateMetrics.restore(pending);
      throw error;
    }
    if (figures === undefined) {
      // A refused scrape writes nothing: the figures stay with this isolate for its next send.
      if (pending !== undefined) isolateMetrics.restore(pending);
      throw unauthorized();
    }
    return c.body(exposition(figures), 200, { "Content-Type": EXPOSITION_CONTENT_TYPE });
  },
);

metrics.post(
  "/v1/metrics/scrape-token",
  describeRoute({
    summary: "Issue a new scrape token for GET /metrics (admin): 201 {token}, shown only this once; the previous one stops working",
    tags: ["operations"],
  }),
  authenticate,
  requireAdmin,
  async (c) => {
    const token = newScrapeToken();
    await metricsObject(c.env).rotateScrapeToken(await sha256Hex(token));
    return c.json({ token }, 201);
  },
);

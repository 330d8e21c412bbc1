import { toJsonSchema } from "@valibot/to-json-schema";
import { Hono } from "hono";
import { describeRoute, validator } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";
import { bufferedEvents, eventBrokerOf } from "../../durable/event-shards";
import { requireProject } from "../auth";
import type { AppEnv } from "../env";
import { ApiError, rejectInvalid } from "../errors";
import { ProjectParams } from "../schemas/project-name";
import { BufferedEventsAnswer, BufferedEventsQuery, CorrelatedEventBody, DEFAULT_EVENT_TTL_SECONDS, EventHeaders } from "../schemas/correlated-events";

/** A kept event is one row of its broker's SQLite: well under the 2 MB a row may hold. */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Correlated events (api.md "Waiting and resuming from outside"): an event resumes the node of the project that
 * waits for its name and correlation key, or is kept for the first that waits later. Mounted below /v1/projects,
 * after authentication.
 */
export const correlatedEvents = new Hono<AppEnv>();

correlatedEvents.post(
  "/:project/events",
  describeRoute({
    summary: "Send a correlated event: resumes the earliest node waiting for its name and correlationKey, or is kept for ttlSeconds; a re-sent id answers the first answer",
    tags: ["events"],
  }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  validator("header", EventHeaders, rejectInvalid),
  validator("json", CorrelatedEventBody, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const body = c.req.valid("json");
    const headerId = c.req.valid("header")["idempotency-key"];
    if (body.id !== undefined && headerId !== undefined && body.id !== headerId) {
      throw new ApiError(400, "invalid_request", "the body's id and the Idempotency-Key header differ");
    }
    const payload = body.payload ?? null;
    if (new TextEncoder().encode(JSON.stringify(payload)).length > MAX_PAYLOAD_BYTES) {
      throw new ApiError(413, "payload_too_large", `an event's payload is at most ${MAX_PAYLOAD_BYTES} bytes of JSON`);
    }
    const answer = await eventBrokerOf(c.env, project, body.name, body.correlationKey).publish({
      id: body.id ?? headerId ?? `ev_${crypto.randomUUID().replaceAll("-", "")}`,
      name: body.name,
      correlationKey: body.correlationKey,
      payload,
      ttlSeconds: body.ttlSeconds ?? DEFAULT_EVENT_TTL_SECONDS,
    });
    return c.json(answer, 202);
  },
);

correlatedEvents.get(
  "/:project/events",
  describeRoute({
    summary:
      "The events kept because no node waited for them yet, newest first; `name` and `key` narrow them (both: one broker is asked, else all of the project's)",
    tags: ["events"],
    responses: {
      200: {
        description: "the kept events, at most `limit` (default 50, at most 200)",
        content: { "application/json": { schema: toJsonSchema(BufferedEventsAnswer) as OpenAPIV3_1.SchemaObject } },
      },
    },
  }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  validator("query", BufferedEventsQuery, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const { name, key, limit } = c.req.valid("query");
    const events = await bufferedEvents(c.env, project, { name, correlationKey: key }, limit);
    const iso = (ms: number) => new Date(ms).toISOString();
    return c.json({
      events: events.map(({ payloadJson, receivedAt, expiresAt, ...event }) => ({
        ...event,
        payload: JSON.parse(payloadJson) as unknown,
        receivedAt: receivedAt === null ? null : iso(receivedAt),
        expiresAt: iso(expiresAt),
      })),
    });
  },
);

import * as v from "valibot";

/** Events are kept for a day unless they say otherwise, and a week at most. */
export const DEFAULT_EVENT_TTL_SECONDS = 86_400;
export const MAX_EVENT_TTL_SECONDS = 7 * 86_400;

const EventId = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,200}$/, "an event id is 1 to 200 printable ASCII characters"));

const EventName = v.pipe(v.string(), v.minLength(1, "name must not be empty"), v.maxLength(200, "name is at most 200 characters"));
const CorrelationKey = (field: string) => v.pipe(v.string(), v.minLength(1, `${field} must not be empty`), v.maxLength(500, `${field} is at most 500 characters`));

/** `POST /v1/projects/{p}/events` (api.md "Waiting and resuming from outside"). */
export const CorrelatedEventBody = v.strictObject({
  name: EventName,
  correlationKey: CorrelationKey("correlationKey"),
  payload: v.optional(v.unknown()),
  ttlSeconds: v.optional(
    v.pipe(v.number(), v.integer("ttlSeconds must be an integer"), v.minValue(1, "ttlSeconds is at least 1"), v.maxValue(MAX_EVENT_TTL_SECONDS, `ttlSeconds is at most ${MAX_EVENT_TTL_SECONDS}`)),
  ),
  id: v.optional(EventId),
});

/** The `Idempotency-Key` header stands for the body's `id`. */
export const EventHeaders = v.object({ "idempotency-key": v.optional(EventId) });

export const EventAnswerBody = v.object({ id: v.string(), delivered: v.boolean() });

const MAX_BUFFERED_EVENTS_LISTED = 200;
const LIMIT_MESSAGE = `limit is a whole number from 1 to ${MAX_BUFFERED_EVENTS_LISTED}`;

/** `GET /v1/projects/{p}/events`: the kept events of a name and/or correlation key. */
export const BufferedEventsQuery = v.object({
  name: v.optional(EventName),
  key: v.optional(CorrelationKey("key")),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/, LIMIT_MESSAGE), v.transform(Number), v.minValue(1, LIMIT_MESSAGE), v.maxValue(MAX_BUFFERED_EVENTS_LISTED, LIMIT_MESSAGE)),
    "50",
  ),
});

/** One kept event, as `GET /v1/projects/{p}/events` answers it. */
const BufferedEventBody = v.object({
  id: v.string(),
  name: v.string(),
  correlationKey: v.string(),
  payload: v.unknown(),
  /** When it was accepted (null for an event kept by a broker from before arrival times were stored). */
  receivedAt: v.nullable(v.string()),
  /** When it stops being kept, unless a node takes it first. */
  expiresAt: v.string(),
});

export const BufferedEventsAnswer = v.object({ events: v.array(BufferedEventBody) });

import * as v from "valibot";

/** Events are kept for a day unless they say otherwise, and a week at most. */
export const DEFAULT_EVENT_TTL_SECONDS = 86_400;
export const MAX_EVENT_TTL_SECONDS = 7 * 86_400;

const EventId = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,200}$/, "an event id is 1 to 200 printable ASCII characters"));

/** `POST /v1/projects/{p}/events` (api.md "Waiting and resuming from outside"). */
export const CorrelatedEventBody = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1, "name must not be empty"), v.maxLength(200, "name is at most 200 characters")),
  correlationKey: v.pipe(v.string(), v.minLength(1, "correlationKey must not be empty"), v.maxLength(500, "correlationKey is at most 500 characters")),
  payload: v.optional(v.unknown()),
  ttlSeconds: v.optional(
    v.pipe(v.number(), v.integer("ttlSeconds must be an integer"), v.minValue(1, "ttlSeconds is at least 1"), v.maxValue(MAX_EVENT_TTL_SECONDS, `ttlSeconds is at most ${MAX_EVENT_TTL_SECONDS}`)),
  ),
  id: v.optional(EventId),
});

/** The `Idempotency-Key` header stands for the body's `id`. */
export const EventHeaders = v.object({ "idempotency-key": v.optional(EventId) });

export const EventAnswerBody = v.object({ id: v.string(), delivered: v.boolean() });

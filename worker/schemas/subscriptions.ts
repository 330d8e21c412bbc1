import * as v from "valibot";
import { ProjectName } from "./project-name";

export const SubscriptionName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "a subscription name is 1 to 64 letters, digits, dots, dashes or underscores"));

export const SubscriptionParams = v.object({ project: ProjectName, name: SubscriptionName });

/** An engine event type (`node_enter`, `job`, `signal_failed`, …) or `*` for every one. */
const EventType = v.pipe(v.string(), v.regex(/^(\*|[a-z][a-z0-9_]{0,63})$/, "an event type is a lowercase name like node_enter, or *"));

export const SubscriptionBody = v.strictObject({
  url: v.pipe(v.string(), v.maxLength(2048), v.url("url must be an absolute http(s) URL"), v.regex(/^https?:\/\//i, "url must be an http(s) URL")),
  events: v.pipe(v.array(EventType), v.minLength(1, "events lists at least one type, or *"), v.maxLength(100)),
  /** On an update: replace the secret (otherwise an update keeps it). */
  rotateSecret: v.optional(v.boolean()),
});

import type { EventBroker } from "./event-broker";

/**
 * Which EventBroker holds the events and waiters of one name + correlation key: one of EVENT_SHARDS objects of
 * the project, by a hash of the pair. Ordering and "earliest waiter first" only concern one pair, so every call
 * about a pair going to one object is all the consistency they need; the shards spread a busy project's events
 * over several objects (each takes ~1,000 requests/s), and the project in the name keeps projects apart.
 */
export const EVENT_SHARDS = 16;

export interface EventBrokersEnv {
  readonly EVENT_BROKERS: DurableObjectNamespace<EventBroker>;
}

/** FNV-1a over the pair's JSON (unambiguous whatever the texts hold). */
function shardOf(name: string, correlationKey: string): number {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify([name, correlationKey])) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EVENT_SHARDS;
}

/** The broker object of a project's name + correlation key. */
export function eventBrokerOf(env: EventBrokersEnv, project: string, name: string, correlationKey: string): DurableObjectStub<EventBroker> {
  return env.EVENT_BROKERS.get(env.EVENT_BROKERS.idFromName(`${project}/events/${shardOf(name, correlationKey)}`));
}

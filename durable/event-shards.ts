import type { BufferedEvent, EventBroker } from "./event-broker";

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
  return brokerOfShard(env, project, shardOf(name, correlationKey));
}

function brokerOfShard(env: EventBrokersEnv, project: string, shard: number): DurableObjectStub<EventBroker> {
  return env.EVENT_BROKERS.get(env.EVENT_BROKERS.idFromName(`${project}/events/${shard}`));
}

/**
 * A project's buffered events, newest first, at most `limit`: from the pair's one broker when both name and key are
 * given, else from all its brokers at once, merged by arrival (events kept before arrival times were stored last).
 */
export async function bufferedEvents(
  env: EventBrokersEnv,
  project: string,
  filter: { name?: string; correlationKey?: string },
  limit: number,
): Promise<BufferedEvent[]> {
  const { name, correlationKey } = filter;
  if (name !== undefined && correlationKey !== undefined) return eventBrokerOf(env, project, name, correlationKey).buffered(filter, limit);
  const shards = await Promise.all(
    Array.from({ length: EVENT_SHARDS }, (_, shard) => brokerOfShard(env, project, shard).buffered(filter, limit)),
  );
  return shards
    .flat()
    .sort((a, b) => (b.receivedAt ?? -1) - (a.receivedAt ?? -1))
    .slice(0, limit);
}

import type { EventWaiter } from "./event-broker";
import { eventBrokerOf, type EventBrokersEnv } from "./event-shards";

/**
 * A run's side of correlated events: registers one of its waiting nodes with the pair's broker. The broker may
 * deliver a kept event before this answers, through the run's `deliverEvent`; `flush` first writes out what the
 * run buffered, so the wait that delivery resumes is stored, whatever commits first.
 */
export async function subscribeToEvent(
  env: EventBrokersEnv,
  project: string,
  waiter: EventWaiter,
  name: string,
  correlationKey: string,
  flush: () => void,
): Promise<void> {
  flush();
  await eventBrokerOf(env, project, name, correlationKey).wait(waiter, name, correlationKey);
}

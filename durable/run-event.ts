/** Which run an event belongs to. */
export interface RunRef {
  readonly kind: "pipeline" | "execution";
  readonly id: string;
}

/**
 * One engine event as it leaves the run (api.md "Events out"): the body of a subscription's POST and the argument
 * of a signal script. `id` (`<kind>/<run id>:<seq>`) is unique per project and stable across redeliveries.
 */
export interface RunEvent {
  readonly id: string;
  readonly project: string;
  readonly run: RunRef;
  readonly seq: number;
  readonly type: string;
  readonly data: unknown;
  readonly time: string;
}

/** A run's stored events after `after`, oldest first, from RunQueue's table; unlike RunQueue.events it does not write out buffered events (a step in progress keeps its batch). */
export function storedEvents(sql: SqlStorage, project: string, run: RunRef, after: number, limit: number): RunEvent[] {
  return sql
    .exec<{ seq: number; event_type: string; data: string; at: number }>("SELECT seq, event_type, data, at FROM run_events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
    .toArray()
    .map((row) => ({
      id: `${run.kind}/${run.id}:${row.seq}`,
      project,
      run,
      seq: row.seq,
      type: row.event_type,
      data: JSON.parse(row.data) as unknown,
      time: new Date(row.at).toISOString(),
    }));
}

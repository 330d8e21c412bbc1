import type { Context } from "hono";
import type { Answer } from "../durable/run-object";
import { recordSseEvent, recordSseFailure } from "../metrics/record";
import { ApiError } from "./errors";

/**
 * A run's event log as Server-Sent Events (api.md "Events out"), for both dialects' events routes.
 *
 * Each read asks the run object for the events after the last one sent, and the object holds the read until one is
 * written (RunObject.waitEvents: a promise its own flush wakes), so an event reaches the stream as soon as it is
 * stored, and an idle stream costs one call per heartbeat. Polling from here would add its interval to every event's
 * latency and a call per interval per client, for no more robustness: the wait is bounded, the object keeps no
 * per-client state (only the Worker holds the connection), a restart of either just ends the stream, and the client
 * resumes with `Last-Event-ID`.
 */

/** One page as RunObject.waitEvents answers it. */
export type ReadEvents = (after: number, waitMs: number) => Promise<Answer<{ events: unknown[]; ended: boolean }>>;

/** Idle streams get a comment this often, so that proxies and clients do not time the connection out. */
const HEARTBEAT_MS = 15_000;
/** The reconnection delay a client is told to use (the `retry:` field). */
const RETRY_MS = 1_000;

interface RunEvent {
  readonly seq: number;
  readonly event_type: string;
}

/** Whether the client asked for a stream rather than a page of JSON. */
export function wantsEventStream(c: Context): boolean {
  return (c.req.header("Accept") ?? "").toLowerCase().includes("text/event-stream");
}

/** Where a stream starts: after the `Last-Event-ID` a reconnecting client sends (it wins over `?after=`, as the SSE spec has it). */
export function streamStart(c: Context, after: number): number {
  const last = c.req.header("Last-Event-ID")?.trim();
  if (last === undefined || last === "") return after;
  if (!/^\d{1,15}$/.test(last)) throw new ApiError(400, "invalid_request", "Last-Event-ID is an event's seq");
  return Number(last);
}

/**
 * Streams the events after `after` until the run has ended and its last event is sent. An unknown run answers the
 * refusal as JSON before any stream starts. A run that has ended with nothing after `after` answers 204, which is
 * what tells an EventSource to stop reconnecting.
 */
export async function eventStream(read: ReadEvents, after: number): Promise<Response> {
  const first = await read(after, 0);
  if (!first.ok) throw new ApiError(first.status, first.code, first.message);
  if (first.value.ended && first.value.events.length === 0) return new Response(null, { status: 204 });
  const frames = streamFrames(read, after, first.value);
  const encoder = new TextEncoder();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<string>;
      try {
        next = await frames.next();
      } catch (error) {
        // The run object failed or restarted: end here; the client reconnects with the last id it got.
        if (cancelled) return;
        console.error("[event stream] read failed:", error);
        recordSseFailure();
        controller.close();
        return;
      }
      if (cancelled) return;
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      // The client went away: the read in flight ends by its wait, and the generator stops there.
      cancelled = true;
      void frames.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no" },
  });
}

async function* streamFrames(read: ReadEvents, after: number, first: { events: unknown[]; ended: boolean }): AsyncGenerator<string> {
  yield `retry: ${RETRY_MS}\n\n`;
  let page = first;
  for (;;) {
    for (const event of page.events as RunEvent[]) {
      after = event.seq;
      recordSseEvent();
      yield `id: ${event.seq}\nevent: ${event.event_type}\ndata: ${JSON.stringify(event)}\n\n`;
    }
    if (page.ended) return;
    const answer = await read(after, HEARTBEAT_MS);
    if (!answer.ok) return; // the run no longer exists
    page = answer.value;
    if (page.events.length === 0 && !page.ended) yield ": heartbeat\n\n";
  }
}

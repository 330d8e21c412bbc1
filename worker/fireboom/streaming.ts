/**
 * An HTTP body written while a hook script produces items (functions returning an async iterable, SSE of
 * customized GraphQL). `emit` is the sandbox's "emit" host call: its first call (an empty probe batch) says the
 * script streams; each item is framed and written, and awaiting the write gives the script backpressure.
 */
export interface HookStream {
  readonly readable: ReadableStream<Uint8Array>;
  /** Settles when the script produced its first item. */
  readonly started: Promise<void>;
  /** Whether the script answered with an async iterable (it probed the stream). */
  readonly streams: boolean;
  emit(items: unknown[]): Promise<void>;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export function openStream(frame: (item: unknown) => string): HookStream {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const write = (text: string) => writer.write(encoder.encode(text));
  let streams = false;
  return {
    readable,
    started,
    get streams() {
      return streams;
    },
    async emit(items) {
      streams = true;
      if (items.length > 0) markStarted();
      for (const item of items) await write(frame(item));
    },
    write,
    close: () => writer.close().catch(() => undefined),
  };
}

/** Function subscriptions: each message is one JSON object followed by `\n\n` (fireboom-hooks.md §3.6). */
export const jsonFrame = (item: unknown) => `${JSON.stringify(item)}\n\n`;

/** graphql-sse: `data: {...}\n\n` per event; the stream ends with `event: complete\n\n` (fireboom-hooks.md §3.8). */
export const sseFrame = (item: unknown) => `data: ${JSON.stringify(item)}\n\n`;
export const SSE_COMPLETE = "event: complete\n\n";

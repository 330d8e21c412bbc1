/**
 * An HTTP body written while a hook script produces items (functions returning an async iterable, SSE of
 * customized GraphQL). `emit` is the sandbox's "emit" host call: the first call (an empty probe batch) marks the
 * script as streaming; each item is framed and written, and awaiting the write gives the script backpressure.
 */
export interface HookStream {
  readonly readable: ReadableStream<Uint8Array>;
  /** Settles when the script started streaming. */
  readonly started: Promise<void>;
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
  return {
    readable,
    started,
    async emit(items) {
      markStarted();
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

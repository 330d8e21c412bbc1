import type { HostCall } from "../../sandbox";

/** Fireboom's Go template refuses internal calls deeper than this (fireboom-hooks.md §4). */
export const MAX_CYCLE = 16;

export interface InternalCallContext {
  /** The project's settings.fireboom.internalUrl (Fireboom's FB_API_INTERNAL_URL). */
  readonly internalUrl: string | undefined;
  readonly requestId: string | undefined;
  /** The hook body's cycleCounter, when it had one. */
  readonly cycleCounter: number | undefined;
  readonly user: unknown;
  readonly clientRequest: unknown;
}

/** The host the sandbox may reach for internal calls besides a script's own permissions. */
export function internalHost(internalUrl: string | undefined): string[] {
  if (internalUrl === undefined) return [];
  try {
    return [new URL(internalUrl).host];
  } catch {
    return [];
  }
}

/**
 * Host call "internal" ({path, input}): `POST {internalUrl}/internal/operations/{path}` with
 * `{input, __wg: {user, clientRequest}}`, forwarding X-Request-Id and Wg-Cycle-Counter; resolves to the JSON answer.
 */
export function internalClientCall(context: InternalCallContext): HostCall {
  return async (args) => {
    const { path, input } = (args ?? {}) as { path?: unknown; input?: unknown };
    if (typeof path !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/.test(path)) {
      throw new TypeError(`internalClient: ${JSON.stringify(path)} is not an operation path such as "Todo/GetOne"`);
    }
    if (context.internalUrl === undefined) {
      throw new Error('internalClient: set the project\'s settings {"fireboom": {"internalUrl": "http://…:9991"}} first');
    }
    if (context.cycleCounter !== undefined && context.cycleCounter > MAX_CYCLE) {
      throw new Error(`internalClient: cycle counter ${context.cycleCounter} is past ${MAX_CYCLE}; refusing a deeper internal call`);
    }
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (context.requestId !== undefined) headers["X-Request-Id"] = context.requestId;
    if (context.cycleCounter !== undefined) headers["Wg-Cycle-Counter"] = String(context.cycleCounter);
    const wg: Record<string, unknown> = {};
    if (context.clientRequest !== undefined) wg.clientRequest = context.clientRequest;
    if (context.user !== undefined) wg.user = context.user;
    const url = `${context.internalUrl.replace(/\/+$/, "")}/internal/operations/${path}`;
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ input: input ?? {}, __wg: wg }) });
    const text = await response.text();
    if (!response.ok) throw new Error(`internalClient: ${path} answered ${response.status}: ${text.slice(0, 1000)}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Error(`internalClient: ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  };
}

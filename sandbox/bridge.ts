import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { CallState } from "./call-state";
import { DIGEST_BYTE_NS, HOST_BYTE_NS, HOST_CALL_NS, HOST_SETTLE_NS, URL_NS } from "./cost-model";
import type { HostPromises } from "./host-promises";

/**
 * The one host function the prelude receives. Every operation a script can ask of the host goes through it,
 * named by its first argument, so the whole attack surface is this file.
 *
 * Sync operations return a handle; async ones return a guest promise that is settled when the host work ends,
 * and is tracked on the call so the run loop knows what it is waiting for.
 *
 * Every operation is charged to the call's CPU budget before it runs (cost-model.ts): a crossing, plus what it
 * reads and writes. A charge the budget cannot cover throws, and the operation does not run.
 */
export function createBridge(context: QuickJSContext, currentCall: () => CallState | undefined, promises: HostPromises): QuickJSHandle {
  const string = (handle: QuickJSHandle | undefined) => (handle === undefined ? "" : context.getString(handle));
  const optionalString = (handle: QuickJSHandle | undefined) =>
    handle === undefined || context.typeof(handle) === "undefined" ? undefined : context.getString(handle);
  const bytes = (handle: QuickJSHandle | undefined) => {
    if (handle === undefined) return new Uint8Array(0);
    return context.getArrayBuffer(handle).consume((lifetime) => lifetime.value.slice());
  };
  const urlParts = (url: URL | undefined) => {
    if (url === undefined) return undefined;
    const parts = context.newObject();
    try {
      for (const key of ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"] as const) {
        context.newString(url[key]).consume((value) => context.setProp(parts, key, value));
      }
      return parts;
    } catch (error) {
      parts.dispose();
      throw error;
    }
  };

  /**
   * Runs host work for the guest; the promise settles only while the call that asked is still running. The promise
   * belongs to `promises` (the runtime's), not to the work, which may end after the runtime is gone.
   */
  const later = (work: () => Promise<(ctx: QuickJSContext) => QuickJSHandle | undefined>) => {
    const call = currentCall();
    if (call === undefined) throw new Error("no call is running");
    const deferred = promises.create();
    const settle = work().then(
      (make) => {
        if (call.finished || !deferred.alive) return;
        call.budget.record(HOST_SETTLE_NS);
        const value = make(context);
        try {
          deferred.resolve(value);
        } finally {
          value?.dispose();
        }
      },
      (error: unknown) => {
        if (call.finished || !deferred.alive) return;
        call.budget.record(HOST_SETTLE_NS);
        const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
        context.newError({ name, message }).consume((value) => deferred.reject(value));
      },
    );
    call.track(settle.finally(() => promises.release(deferred)));
    return deferred.handle.dup();
  };

  /** Charges `units` bytes or characters of host work at `rate` ns each, on top of the crossing. */
  const charge = (units: number, rate = HOST_BYTE_NS) => currentCall()?.budget.charge(units * rate);
  /** An argument read out of the guest and charged by its size, before the operation works on it. */
  const chargedString = (handle: QuickJSHandle | undefined) => {
    const text = string(handle);
    charge(text.length);
    return text;
  };
  const chargedBytes = (handle: QuickJSHandle | undefined, rate = HOST_BYTE_NS) => {
    const data = bytes(handle);
    charge(data.byteLength, rate);
    return data;
  };

  const operations: Record<string, (...args: QuickJSHandle[]) => QuickJSHandle | undefined> = {
    log: (level, message) => {
      currentCall()?.log(string(level) as "log", chargedString(message));
      return undefined;
    },
    /** Charges summed by the guest's meters (prelude-meters.ts), in ns. */
    charge: (ns) => {
      currentCall()?.budget.charge(context.getNumber(ns!));
      return undefined;
    },
    "utf8.encode": (text) => context.newArrayBuffer(new TextEncoder().encode(chargedString(text)).buffer),
    "utf8.decode": (data, fatal) => context.newString(new TextDecoder("utf-8", { fatal: context.dump(fatal!) === true, ignoreBOM: false }).decode(chargedBytes(data))),
    atob: (data) => context.newString(atob(chargedString(data))),
    btoa: (data) => context.newString(btoa(chargedString(data))),
    "url.parse": (url, base) => {
      charge(1, URL_NS);
      try {
        return urlParts(new URL(string(url), optionalString(base)));
      } catch {
        return undefined;
      }
    },
    "url.set": (href, part, value) => {
      charge(1, URL_NS);
      const url = new URL(string(href));
      const key = string(part);
      if (!["href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"].includes(key)) {
        return undefined;
      }
      try {
        (url as unknown as Record<string, string>)[key] = string(value);
        return urlParts(url);
      } catch {
        return undefined;
      }
    },
    "crypto.randomUUID": () => context.newString(crypto.randomUUID()),
    "crypto.random": (length) => {
      charge(context.getNumber(length!));
      return context.newArrayBuffer(crypto.getRandomValues(new Uint8Array(context.getNumber(length!))).buffer);
    },
    "crypto.digest": (algorithm, data) => {
      const name = string(algorithm);
      const input = chargedBytes(data, HOST_BYTE_NS + DIGEST_BYTE_NS);
      return later(async () => {
        const digest = await crypto.subtle.digest(name, input);
        return (ctx) => ctx.newArrayBuffer(digest);
      });
    },
    fetch: (requestJson, body) => {
      const request = JSON.parse(string(requestJson)) as { url: string; method: string; headers: [string, string][] };
      const payload =
        body === undefined || context.typeof(body) === "undefined" ? undefined : context.typeof(body) === "string" ? chargedString(body) : chargedBytes(body);
      const call = currentCall();
      return later(async () => {
        const url = new URL(request.url);
        if (call === undefined || !call.mayFetch(url)) {
          const why = call?.offline ? "this call runs offline (a replay; pass live: true to fetch)" : `add "${url.hostname}" to the script's permissions.net`;
          throw Object.assign(new Error(`fetch to ${url.host} is not permitted: ${why}`), { name: "PermissionDenied" });
        }
        const response = await fetch(url, { method: request.method, headers: request.headers, body: payload, redirect: "manual" });
        const data = await response.arrayBuffer();
        if (data.byteLength > call.limits.memoryBytes) {
          throw new RangeError(`the response of ${url.host} is ${data.byteLength} bytes, more than the script's memory limit`);
        }
        call.budget.record(data.byteLength * HOST_BYTE_NS);
        const meta = JSON.stringify({
          status: response.status,
          statusText: response.statusText,
          headers: [...response.headers],
          url: response.url || url.href,
          redirected: response.redirected,
        });
        return (ctx) => {
          const reply = ctx.newObject();
          try {
            ctx.newString(meta).consume((value) => ctx.setProp(reply, "meta", value));
            ctx.newArrayBuffer(data).consume((value) => ctx.setProp(reply, "body", value));
            return reply;
          } catch (error) {
            reply.dispose();
            throw error;
          }
        };
      });
    },
    call: (name, argsJson) => {
      const call = currentCall();
      const hostCall = call?.hostCalls[string(name)];
      if (hostCall === undefined) throw new Error(`no host call named ${string(name)}`);
      const args = call!.parseGuestJson(chargedString(argsJson));
      return later(async () => {
        const result = JSON.stringify(await hostCall(args));
        if (result !== undefined) call!.budget.record(result.length * HOST_BYTE_NS);
        return (ctx) => (result === undefined ? undefined : ctx.newString(result));
      });
    },
    /** A guest timer's wait: a promise settled after `ms`, or at once when "timer.cancel" names its id. */
    "timer.start": (id, ms) => {
      const call = currentCall();
      if (call === undefined) throw new Error("no call is running");
      const wait = call.startTimer(context.getNumber(id!), Math.max(0, context.getNumber(ms!)));
      return later(async () => {
        await wait;
        return () => undefined;
      });
    },
    "timer.cancel": (id) => {
      currentCall()?.cancelTimer(context.getNumber(id!));
      return undefined;
    },
  };

  return context.newFunction("host", (operation, ...args) => {
    const run = operations[context.getString(operation)];
    if (run === undefined) throw new TypeError(`unknown host operation ${context.getString(operation)}`);
    currentCall()?.budget.charge(HOST_CALL_NS);
    return run(...args);
  });
}

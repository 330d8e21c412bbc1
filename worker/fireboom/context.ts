/**
 * The guest-side decorator that builds a Fireboom hook script's one `ctx` argument (registered with the
 * Sandbox as "fireboom" in ../runtime.ts).
 *
 * The host passes one frozen argument `{ctx, headers}`: `ctx` is the plain data of the hook (user, input, ...),
 * `headers` says whether the hook may change the client request headers. The decorator adds the functions:
 *
 * - `ctx.log.debug/info/warn/error(...)`: the sandbox console, so lines land in the call's logs.
 * - `ctx.internalClient.operations["Todo/GetOne"](input)`, and `.query(path, input)` / `.mutate(path, input)`:
 *   host call "internal" (the Worker does the fetch to Fireboom's internal API) resolving to its JSON answer.
 * - operation hooks and functions only: `ctx.setClientRequestHeader(name, value)` (value `null` removes the
 *   header), host call "setClientRequestHeader". Fireboom replaces the client request headers with the complete
 *   map a hook answers in `setClientRequestHeaders`; hookflow answers that map (the incoming headers with the
 *   hook's changes) only when the hook changed something (see replies.ts).
 *
 * The result is frozen; the data inside was deeply frozen by the sandbox already.
 */
export const FIREBOOM_CTX_DECORATOR = "fireboom";

export const FIREBOOM_CTX_SOURCE = /* js */ `
(function (args, host) {
  "use strict";
  const given = args[0];
  const call = (name, payload) =>
    host("call", name, JSON.stringify(payload)).then((json) => (json === undefined ? undefined : JSON.parse(json)));
  const log = Object.freeze({
    debug: (...a) => console.debug(...a),
    info: (...a) => console.info(...a),
    warn: (...a) => console.warn(...a),
    error: (...a) => console.error(...a),
  });
  const operation = (path) => (input) => call("internal", { path: String(path), input: input === undefined ? {} : input });
  const readOnly = () => { throw new TypeError("ctx.internalClient.operations is read-only"); };
  const operations = new Proxy(Object.freeze({}), {
    get: (target, key) => (typeof key === "string" ? operation(key) : undefined),
    has: (target, key) => typeof key === "string",
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
  });
  const internalClient = Object.freeze({
    operations,
    query: (path, input) => operation(path)(input),
    mutate: (path, input) => operation(path)(input),
  });
  const extra = { log, internalClient };
  if (given.headers) {
    extra.setClientRequestHeader = (name, value) => {
      void call("setClientRequestHeader", { name: String(name), value: value === null || value === undefined ? null : String(value) });
    };
  }
  return [Object.freeze(Object.assign({}, given.ctx, extra))];
})
`;

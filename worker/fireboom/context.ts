/**
 * The guest-side decorator that builds a Fireboom hook script's one `ctx` argument (registered with the
 * Sandbox as "fireboom" in ../runtime.ts).
 *
 * The host passes two read-only arguments: `ctx`, the plain data of the hook (user, input, ...), and `headers`,
 * whether the hook may change the client request headers. The decorator adds the functions:
 *
 * - `ctx.log.debug/info/warn/error(...)`: the sandbox console, so lines land in the call's logs.
 * - `ctx.internalClient.operations["Todo/GetOne"](input)`, and `.query(path, input)` / `.mutate(path, input)`:
 *   host call "internal" (the Worker does the fetch to Fireboom's internal API) resolving to its JSON answer.
 * - operation hooks and functions only: `ctx.setClientRequestHeader(name, value)` (value `null` removes the
 *   header), host call "setClientRequestHeader". Fireboom replaces the client request headers with the complete
 *   map a hook answers in `setClientRequestHeaders`; hookflow answers that map (the incoming headers with the
 *   hook's changes) only when the hook changed something (see replies.ts).
 *
 * The result is frozen; the data inside is read-only already (the sandbox's argument views).
 */
export const FIREBOOM_CTX_DECORATOR = "fireboom";

export const FIREBOOM_CTX_SOURCE = /* js */ `
(function () {
  "use strict";
  // What every ctx shares is built once per runtime: the decorator is evaluated once, and \`host\` is the same
  // function at every call (each call's host calls reach that call's state).
  let shared;
  const build = (host) => {
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
    const setClientRequestHeader = (name, value) => {
      void call("setClientRequestHeader", { name: String(name), value: value === null || value === undefined ? null : String(value) });
    };
    return { log, internalClient, setClientRequestHeader };
  };
  return function (args, host, raw) {
    shared ??= build(host);
    const ctx = Object.assign({}, raw(args[0]));
    ctx.log = shared.log;
    ctx.internalClient = shared.internalClient;
    if (args[1]) ctx.setClientRequestHeader = shared.setClientRequestHeader;
    return [Object.freeze(ctx)];
  };
})()
`;

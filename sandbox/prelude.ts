import { METERS_SOURCE } from "./prelude-meters";
import { TIMERS_SOURCE } from "./prelude-timers";

/**
 * Guest-side JavaScript evaluated once in every new QuickJS context, before any user script.
 *
 * It builds the web-platform surface that api.md promises (console, URL, TextEncoder, fetch, timers, ...) on top of
 * one host bridge function, then locks the realm down: every built-in object reachable from the global
 * object is frozen, so a script can never change what another call sees. The bridge itself is captured in
 * a closure and removed from the global object.
 *
 * It is kept as a string, not a module file, because it runs inside QuickJS, not in the Worker. It avoids
 * template literals so it can live inside one.
 */
export const PRELUDE_SOURCE = /* js */ `
(function (host) {
  "use strict";
  const g = globalThis;
  const defineGlobal = (name, value) =>
    Object.defineProperty(g, name, { value, writable: false, enumerable: false, configurable: false });
${METERS_SOURCE}
${TIMERS_SOURCE}
  // ---- formatting for console -------------------------------------------------------------------------
  function inspect(value, seen) {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "function") return "[Function " + (value.name || "anonymous") + "]";
    if (typeof value === "bigint") return String(value) + "n";
    if (typeof value === "symbol" || value === undefined || value === null || typeof value !== "object") return String(value);
    if (value instanceof Error) return value.stack ? value.name + ": " + value.message + "\\n" + value.stack : String(value);
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    try {
      if (Array.isArray(value)) return "[" + value.map((v) => inspect(v, seen)).join(", ") + "]";
      if (value instanceof Map) return "Map(" + value.size + ") {" + Array.from(value, ([k, v]) => inspect(k, seen) + " => " + inspect(v, seen)).join(", ") + "}";
      if (value instanceof Set) return "Set(" + value.size + ") {" + Array.from(value, (v) => inspect(v, seen)).join(", ") + "}";
      if (typeof value.toJSON === "function") return inspect(value.toJSON(), seen);
      return "{" + Object.keys(value).map((k) => JSON.stringify(k) + ": " + inspect(value[k], seen)).join(", ") + "}";
    } finally {
      seen.delete(value);
    }
  }
  const format = (args) => args.map((a) => (typeof a === "string" ? a : inspect(a, new Set()))).join(" ");
  const consoleObject = {};
  for (const level of ["debug", "info", "log", "warn", "error"]) {
    consoleObject[level] = (...args) => host("log", level, format(args));
  }
  consoleObject.trace = consoleObject.debug;
  defineGlobal("console", consoleObject);

  // ---- bytes -----------------------------------------------------------------------------------------------
  function toArrayBuffer(data, what) {
    if (data instanceof ArrayBuffer) return data;
    if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    throw new TypeError(what + " must be an ArrayBuffer or an ArrayBuffer view");
  }

  class TextEncoder {
    get encoding() { return "utf-8"; }
    encode(input) { return new Uint8Array(host("utf8.encode", input === undefined ? "" : String(input))); }
  }
  class TextDecoder {
    constructor(label, options) {
      const encoding = label === undefined ? "utf-8" : String(label).toLowerCase();
      if (encoding !== "utf-8" && encoding !== "utf8") throw new RangeError("TextDecoder supports only utf-8");
      this.fatal = Boolean(options && options.fatal);
    }
    get encoding() { return "utf-8"; }
    decode(input) { return input === undefined ? "" : host("utf8.decode", toArrayBuffer(input, "input"), this.fatal); }
  }
  defineGlobal("TextEncoder", TextEncoder);
  defineGlobal("TextDecoder", TextDecoder);
  defineGlobal("atob", (data) => host("atob", String(data)));
  defineGlobal("btoa", (data) => host("btoa", String(data)));

  // ---- URLSearchParams and URL (parsing is delegated to the host's WHATWG parser) -------------------------
  const formEncode = (s) =>
    encodeURIComponent(s).replace(/%20/g, "+").replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const formDecode = (s) => decodeURIComponent(s.replace(/\\+/g, " "));
  const urlOf = new WeakMap();
  class URLSearchParams {
    #list = [];
    constructor(init) {
      if (init === undefined || init === null) return;
      if (typeof init === "object" && typeof init[Symbol.iterator] === "function") {
        for (const pair of init) {
          const [name, value] = Array.from(pair);
          this.#list.push([String(name), String(value)]);
        }
      } else if (typeof init === "object") {
        for (const name of Object.keys(init)) this.#list.push([name, String(init[name])]);
      } else {
        this.#parse(String(init));
      }
    }
    #parse(text) {
      this.#list = [];
      for (const part of (text.startsWith("?") ? text.slice(1) : text).split("&")) {
        if (part === "") continue;
        const eq = part.indexOf("=");
        this.#list.push(eq < 0 ? [formDecode(part), ""] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
      }
    }
    #changed() {
      const url = urlOf.get(this);
      if (url) url.search = this.toString();
    }
    get size() { return this.#list.length; }
    append(name, value) { this.#list.push([String(name), String(value)]); this.#changed(); }
    delete(name) { this.#list = this.#list.filter(([n]) => n !== String(name)); this.#changed(); }
    get(name) { const hit = this.#list.find(([n]) => n === String(name)); return hit ? hit[1] : null; }
    getAll(name) { return this.#list.filter(([n]) => n === String(name)).map(([, v]) => v); }
    has(name) { return this.#list.some(([n]) => n === String(name)); }
    set(name, value) {
      const key = String(name);
      const at = this.#list.findIndex(([n]) => n === key);
      if (at < 0) this.#list.push([key, String(value)]);
      else this.#list = this.#list.filter(([n], i) => n !== key || i === at).map((p, i) => (p[0] === key ? [key, String(value)] : p));
      this.#changed();
    }
    sort() { this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this.#changed(); }
    forEach(fn, thisArg) { for (const [n, v] of this.#list) fn.call(thisArg, v, n, this); }
    *entries() { for (const [n, v] of this.#list) yield [n, v]; }
    *keys() { for (const [n] of this.#list) yield n; }
    *values() { for (const [, v] of this.#list) yield v; }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this.#list.map(([n, v]) => formEncode(n) + "=" + formEncode(v)).join("&"); }
    static _attach(params, url, search) { params.#parse(search); urlOf.set(params, url); }
  }
  const attachParams = URLSearchParams._attach;
  delete URLSearchParams._attach;

  const URL_PARTS = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];
  class URL {
    #parts;
    #params;
    constructor(url, base) {
      const parts = host("url.parse", String(url), base === undefined ? undefined : String(base));
      if (parts === undefined) throw new TypeError("Invalid URL: " + String(url));
      this.#parts = parts;
      this.#params = new URLSearchParams();
      attachParams(this.#params, this, parts.search);
    }
    static canParse(url, base) { return host("url.parse", String(url), base === undefined ? undefined : String(base)) !== undefined; }
    static parse(url, base) { try { return new URL(url, base); } catch { return null; } }
    get searchParams() { return this.#params; }
    toString() { return this.#parts.href; }
    toJSON() { return this.#parts.href; }
    _set(part, value) {
      const parts = host("url.set", this.#parts.href, part, String(value));
      if (parts === undefined) throw new TypeError("Invalid URL");
      this.#parts = parts;
      if (part !== "search" || urlOf.get(this.#params) !== this) attachParams(this.#params, this, parts.search);
    }
    _get(part) { return this.#parts[part]; }
  }
  for (const part of URL_PARTS) {
    Object.defineProperty(URL.prototype, part, {
      get() { return this._get(part); },
      set: part === "origin" ? undefined : function (value) { this._set(part, value); },
      enumerable: true,
      configurable: true,
    });
  }
  defineGlobal("URL", URL);
  defineGlobal("URLSearchParams", URLSearchParams);

  // ---- Headers, Response, fetch --------------------------------------------------------------------------
  class Headers {
    #map = new Map();
    constructor(init) {
      if (init === undefined || init === null) return;
      if (init instanceof Headers) { init.forEach((v, k) => this.append(k, v)); return; }
      if (typeof init[Symbol.iterator] === "function") { for (const [k, v] of init) this.append(k, v); return; }
      for (const k of Object.keys(init)) this.append(k, init[k]);
    }
    append(name, value) {
      const key = String(name).toLowerCase();
      const prev = this.#map.get(key);
      this.#map.set(key, prev === undefined ? String(value) : prev + ", " + String(value));
    }
    delete(name) { this.#map.delete(String(name).toLowerCase()); }
    get(name) { const v = this.#map.get(String(name).toLowerCase()); return v === undefined ? null : v; }
    has(name) { return this.#map.has(String(name).toLowerCase()); }
    set(name, value) { this.#map.set(String(name).toLowerCase(), String(value)); }
    forEach(fn, thisArg) { for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this); }
    *entries() { yield* Array.from(this.#map.entries()).sort((a, b) => (a[0] < b[0] ? -1 : 1)); }
    *keys() { for (const [k] of this.entries()) yield k; }
    *values() { for (const [, v] of this.entries()) yield v; }
    [Symbol.iterator]() { return this.entries(); }
  }
  defineGlobal("Headers", Headers);

  class Response {
    #body;
    #used = false;
    constructor(body, init) {
      const options = init || {};
      this.#body = body === undefined || body === null ? new ArrayBuffer(0)
        : typeof body === "string" ? new TextEncoder().encode(body).buffer
        : toArrayBuffer(body, "body");
      this.status = options.status === undefined ? 200 : options.status;
      this.statusText = options.statusText || "";
      this.headers = new Headers(options.headers);
      this.url = options.url || "";
      this.ok = this.status >= 200 && this.status < 300;
      this.redirected = Boolean(options.redirected);
    }
    get bodyUsed() { return this.#used; }
    #take() {
      if (this.#used) return Promise.reject(new TypeError("Body has already been used"));
      this.#used = true;
      return Promise.resolve(this.#body);
    }
    arrayBuffer() { return this.#take(); }
    bytes() { return this.#take().then((b) => new Uint8Array(b)); }
    text() { return this.#take().then((b) => new TextDecoder().decode(b)); }
    json() { return this.text().then((t) => JSON.parse(t)); }
    static json(data, init) {
      const headers = new Headers(init && init.headers);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      return new Response(JSON.stringify(data), Object.assign({}, init, { headers }));
    }
  }
  defineGlobal("Response", Response);

  function fetch(input, init) {
    return new Promise((resolve, reject) => {
      const options = init || {};
      const url = input instanceof URL ? input.href : String(input);
      const headers = new Headers(options.headers);
      let body = options.body;
      if (body instanceof URLSearchParams) {
        if (!headers.has("content-type")) headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
        body = body.toString();
      } else if (body !== undefined && body !== null && typeof body !== "string") {
        body = toArrayBuffer(body, "body");
      }
      const request = { url, method: String(options.method || "GET").toUpperCase(), headers: Array.from(headers) };
      host("fetch", JSON.stringify(request), body === null ? undefined : body).then(
        (reply) => resolve(new Response(reply.body, JSON.parse(reply.meta))),
        reject,
      );
    });
  }
  defineGlobal("fetch", fetch);

  // ---- crypto --------------------------------------------------------------------------------------------
  const subtle = {
    digest(algorithm, data) {
      const name = typeof algorithm === "string" ? algorithm : algorithm && algorithm.name;
      return host("crypto.digest", String(name), toArrayBuffer(data, "data"));
    },
  };
  defineGlobal("crypto", {
    randomUUID: () => host("crypto.randomUUID"),
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
        throw new TypeError("getRandomValues needs an integer typed array");
      }
      if (array.byteLength > 65536) throw new RangeError("getRandomValues: at most 65536 bytes");
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(new Uint8Array(host("crypto.random", array.byteLength)));
      return array;
    },
    subtle,
  });

  // ---- structuredClone ------------------------------------------------------------------------------------
  function cloneValue(value, memo) {
    charge(RATES.cloneValue);
    if (typeof value !== "object" || value === null) {
      if (typeof value === "function" || typeof value === "symbol") throw new TypeError("structuredClone: " + typeof value + " could not be cloned");
      return value;
    }
    if (memo.has(value)) return memo.get(value);
    let copy;
    if (value instanceof Date) copy = new Date(value.getTime());
    else if (value instanceof RegExp) copy = new RegExp(value.source, value.flags);
    else if (value instanceof ArrayBuffer) copy = value.slice(0);
    else if (ArrayBuffer.isView(value)) copy = new value.constructor(cloneValue(value.buffer, memo), value.byteOffset, value.length);
    else if (value instanceof Map) { copy = new Map(); memo.set(value, copy); for (const [k, v] of value) copy.set(cloneValue(k, memo), cloneValue(v, memo)); return copy; }
    else if (value instanceof Set) { copy = new Set(); memo.set(value, copy); for (const v of value) copy.add(cloneValue(v, memo)); return copy; }
    else if (value instanceof Error) { copy = new Error(value.message); copy.name = value.name; if (value.stack) copy.stack = value.stack; }
    else if (Array.isArray(value)) { copy = []; memo.set(value, copy); value.forEach((v, i) => { copy[i] = cloneValue(v, memo); }); return copy; }
    else { copy = {}; memo.set(value, copy); for (const k of Object.keys(value)) copy[k] = cloneValue(value[k], memo); return copy; }
    memo.set(value, copy);
    return copy;
  }
  defineGlobal("structuredClone", (value) => cloneValue(value, new Map()));

  // ---- read-only views of a call's arguments (the host side is ../lazy-args.ts) ----------------------------
  // Each object or array of the arguments is a Proxy over a target that stays empty until the script first
  // touches it; then its level is parsed from the call's text, its nested objects become views in turn, and the
  // target is frozen. Writes throw TypeError. The Proxy's handler is the view's own record (its traps come from
  // the shared prototype), so a view costs three small objects; it keeps its text, so one kept past its call
  // still reads the data it was made from.
  let serializingCall; // set while the run helper serializes a result, so views of that call become markers
  let markerKey = "";
  const refuse = () => { throw new TypeError("the arguments are read-only"); };
  // view[RAW] is a view's filled, frozen target: the host's own helpers read it without going through the traps.
  // Were the symbol to reach a script (through a Proxy of its own wrapping a view), it would only give it a
  // frozen object holding views.
  const RAW = Symbol("view");
  const raw = (value) => (value !== null && typeof value === "object" && value[RAW]) || value;
  const viewTraps = {
    fill(target) {
      const text = this.text;
      if (text === undefined) return target;
      this.text = undefined;
      charge((this.end - this.start) * RATES.jsonParse);
      const items = nativeParse(text.slice(this.start, this.end));
      const call = this.call;
      // kind 0: an object level, as [key, value, ...] with references or as a plain object; kind 1: an array
      // level with references; kind 2: a plain array. Plain levels hold their whole subtree, frozen here; a
      // reference is [start, end, kind].
      const plain = this.kind === 2 || !Array.isArray(items);
      const member = (item) =>
        item === null || typeof item !== "object" ? item
        : plain ? deepFreeze(item)
        : view(text, item[0], item[1], item[2], call);
      if (Array.isArray(target)) {
        for (let i = 0; i < items.length; i++) target[i] = member(items[i]);
      } else if (plain) {
        for (const key of Object.keys(items)) define(target, key, member(items[key]));
      } else {
        for (let i = 0; i < items.length; i += 2) define(target, items[i], member(items[i + 1]));
      }
      return Object.freeze(target);
    },
    get(target, key) {
      if (key === RAW) return this.fill(target);
      if (key === "toJSON" && serializingCall !== undefined && serializingCall === this.call) {
        const marker = { [markerKey]: this.start };
        return () => marker;
      }
      return this.fill(target)[key];
    },
    has(target, key) { return key in this.fill(target); },
    ownKeys(target) { return Reflect.ownKeys(this.fill(target)); },
    getOwnPropertyDescriptor(target, key) { return Reflect.getOwnPropertyDescriptor(this.fill(target), key); },
    getPrototypeOf(target) { return Reflect.getPrototypeOf(this.fill(target)); },
    isExtensible(target) { return Reflect.isExtensible(this.fill(target)); },
    preventExtensions(target) { return Reflect.preventExtensions(this.fill(target)); },
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
    setPrototypeOf: refuse,
  };
  function view(text, start, end, kind, call) {
    return new Proxy(kind === 0 ? {} : [], { __proto__: viewTraps, text, start, end, kind, call });
  }
  function deepFreeze(value) {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const key of Object.keys(value)) deepFreeze(value[key]);
    }
    return value;
  }
  function define(target, key, value) {
    if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    else target[key] = value;
  }

  // A script's own JSON.stringify never turns views into markers, even when it runs inside the helper's.
  const nativeStringify = JSON.stringify;
  Object.defineProperty(JSON, "stringify", {
    value: function stringify(value, replacer, space) {
      const outer = serializingCall;
      serializingCall = undefined;
      try {
        const ahead = replacer === undefined || replacer === null ? estimateJsonChars(value, 3) * RATES.jsonStringify : 0;
        charge(ahead);
        const json = nativeStringify(value, replacer, space);
        charge((typeof json === "string" ? json.length * RATES.jsonStringify : 0) - ahead);
        return json;
      } finally {
        serializingCall = outer;
      }
    },
    writable: true, enumerable: false, configurable: true,
  });
  function serialize(value, call, what, maxResultChars) {
    serializingCall = call;
    let json;
    try {
      json = nativeStringify(value);
    } finally {
      serializingCall = undefined;
    }
    if (json !== undefined && json.length > maxResultChars) {
      throw new ResultTooLarge(what + " is " + json.length + " characters of JSON; the limit is " + maxResultChars);
    }
    if (json !== undefined) charge(json.length * RATES.jsonStringify);
    return json;
  }

  // ---- the call helpers the host uses (not reachable from scripts) ----------------------------------------
  function exportOf(namespace, name) {
    let target = namespace;
    let holder = undefined;
    for (const key of name.split(".")) {
      if (target === null || target === undefined || !Object.prototype.hasOwnProperty.call(target, key)) {
        throw new ReferenceError("the script has no export " + JSON.stringify(name));
      }
      holder = target;
      target = target[key];
    }
    if (typeof target !== "function") throw new TypeError("export " + JSON.stringify(name) + " is not a function");
    return [target, holder === namespace ? undefined : holder];
  }
  class ResultTooLarge extends Error {}
  Object.defineProperty(ResultTooLarge.prototype, "name", { value: "ResultTooLarge" });
  const isThenable = (value) => value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
  // Runs one call: returns the result's JSON (views of this call's arguments as markers under \`marker\`), or a
  // promise of it when the export is async. \`text\`/\`start\`/\`end\`/\`kind\` locate the arguments' root level.
  function run(namespace, name, text, start, end, kind, marker, decorate, maxResultChars) {
    const [fn, self] = exportOf(namespace, name);
    const call = {};
    resetCharges();
    resetTimers();
    markerKey = marker;
    // The arguments array itself is read at once, so it needs no view: its level is parsed straight away.
    const args = viewTraps.fill.call({ text, start, end, kind, call }, []);
    // A decorator answers the arguments the export gets, or a function that makes the call itself (to choose
    // \`this\` and shape the result, as the pipeline dialects' calling conventions do).
    const decorated = decorate ? decorate(args, host, raw) : args;
    const finish = (result) => {
      markerKey = marker;
      if (result !== null && typeof result === "object" && typeof result[Symbol.asyncIterator] === "function") {
        return stream(result, call, maxResultChars);
      }
      return serialize(result, call, "the result", maxResultChars);
    };
    const result = typeof decorated === "function" ? decorated(fn, self) : fn.apply(self, decorated);
    return isThenable(result) ? Promise.resolve(result).then(finish) : finish(result);
  }
  // Streaming: a caller that provides the host call "emit" gets each item as it is produced. "emit" takes a JSON
  // array of items; the empty array first asks whether the caller streams at all (no "emit" throws).
  async function stream(result, call, maxResultChars) {
    let probe;
    try { probe = host("call", "emit", "[]"); } catch { probe = undefined; }
    if (probe === undefined) return serialize(result, call, "the result", maxResultChars);
    await probe;
    for await (const item of result) {
      await host("call", "emit", "[" + serialize(item === undefined ? null : item, call, "an item", maxResultChars) + "]");
    }
    return undefined;
  }
  const permissionsOf = (namespace) => {
    const net = namespace.permissions && namespace.permissions.net;
    return Array.isArray(net) ? JSON.stringify(net.map(String)) : "[]";
  };

  // ---- lockdown -------------------------------------------------------------------------------------------
  // Properties that ordinary code overrides on its own objects (this.name = ... in an Error subclass,
  // obj.toString = ...). Freezing the prototype would make those assignments throw, so they become accessors
  // that define an own property on the receiver instead.
  function allowOverride(proto) {
    for (const key of Reflect.ownKeys(proto)) {
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      if (!("value" in desc) || !desc.configurable) continue;
      const value = desc.value;
      Object.defineProperty(proto, key, {
        get() { return value; },
        set(next) {
          if (this === proto) throw new TypeError("Cannot assign to read only property " + String(key) + " of a shared prototype");
          Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
        },
        enumerable: desc.enumerable,
        configurable: false,
      });
    }
  }
  const errorProtos = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError]
    .map((E) => E.prototype);
  const iteratorProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  for (const proto of [Object.prototype, Function.prototype, Array.prototype, Promise.prototype, iteratorProto, ...errorProtos]) {
    allowOverride(proto);
  }
  const hidden = [
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf(Uint8Array),
    iteratorProto,
    Object.getPrototypeOf(new Map().entries()),
    Object.getPrototypeOf(new Set().values()),
    Object.getPrototypeOf(""[Symbol.iterator]()),
    Object.getPrototypeOf(/x/[Symbol.matchAll](""))
  ];
  const frozen = new Set();
  function harden(root) {
    const stack = [root];
    while (stack.length) {
      const value = stack.pop();
      if ((typeof value !== "object" && typeof value !== "function") || value === null || frozen.has(value)) continue;
      frozen.add(value);
      Object.freeze(value);
      stack.push(Object.getPrototypeOf(value));
      for (const key of Reflect.ownKeys(value)) {
        const desc = Object.getOwnPropertyDescriptor(value, key);
        if ("value" in desc) stack.push(desc.value);
        else stack.push(desc.get, desc.set);
      }
    }
  }
  for (const key of Reflect.ownKeys(g)) {
    const desc = Object.getOwnPropertyDescriptor(g, key);
    if (desc && "value" in desc && desc.value !== g) harden(desc.value);
  }
  hidden.forEach(harden);
  for (const key of Reflect.ownKeys(g)) {
    const desc = Object.getOwnPropertyDescriptor(g, key);
    if (desc && desc.configurable && "value" in desc) {
      Object.defineProperty(g, key, { value: desc.value, writable: false, enumerable: desc.enumerable, configurable: false });
    }
  }

  return { run, permissionsOf };
})
`;

/**
 * What the CPU budget charges for work that runs no bytecode: host calls, native built-ins on large inputs and
 * promise jobs. Bytecode itself is counted by interrupt-handler calls (limits.ts).
 *
 * Every figure is in nanoseconds of CPU and was calibrated with `npm run bench:containment` (its first table
 * measures each rate in QuickJS on this machine): a rate is the measured worst case rounded up, so that a
 * charge is never less than the work, and 1 ms of budget is about 1 ms of CPU. docs/sandbox.md lists them.
 */

/**
 * One crossing of the host bridge (handle set-up, argument and result marshalling, and the guest objects around
 * it): ~5.8 µs for a bare host function in Node, ~13 µs per `new TextEncoder().encode("x")` or `console.log(i)`
 * in workerd (bench:containment).
 */
export const HOST_CALL_NS = 14_000;

/**
 * Per byte or character a host operation reads or writes (copying across the wasm boundary and UTF-8 coding, both
 * ways: atob(btoa(s)) of 100 KB measured ~7 ns per character and crossing).
 */
export const HOST_BYTE_NS = 6;

/** Per byte hashed by crypto.subtle.digest (SHA-512 measured at 1.3 ns/byte), on top of the copy. */
export const DIGEST_BYTE_NS = 2;

/** A host operation that parses or builds a URL (the parts object it answers has eleven properties). */
export const URL_NS = 20_000;

/**
 * Host work the guest awaits (a digest, a fetch, a host call, a timer) coming back: settling its guest promise and
 * the run loop's wait for it. A storm of tiny digests measured ~50 µs per digest in all.
 */
export const HOST_SETTLE_NS = 30_000;

/** One promise job (an await resuming, a then callback): ~1.9 µs measured for `await null`. */
export const PROMISE_JOB_NS = 2_000;

/**
 * The guest's rates for native built-ins, in ns per unit; the unit of each is named by the meter that uses it
 * (prelude-meters.ts): per character of the receiver, per element, per output character, or per n·log2(n) for
 * a sort. A call is charged before it runs, at the rate of its worst case (a replace in which every character
 * matches), since the cost cannot be known until it is paid.
 */
export const NATIVE_RATES = {
  /** indexOf, lastIndexOf, includes on a string (measured 5.7-7.7). */
  stringSearch: 8,
  /** search, match, matchAll, replace, replaceAll (all characters matching: 38). */
  stringReplace: 40,
  /** split by a string (27.6). */
  stringSplit: 30,
  /** split("") or by a regular expression (72). */
  stringSplitChars: 75,
  /** repeat, padStart, padEnd, per output character (5.0-5.2). */
  stringBuild: 6,
  /** toUpperCase, toLowerCase and their locale forms (11.6). */
  stringCase: 12,
  /** normalize (23.5). */
  stringNormalize: 25,
  /** join (and so toString), toLocaleString, per element (numbers 73, strings 25, holes 23). */
  arrayJoin: 75,
  /** fill, per element filled (12). */
  arrayFill: 12,
  /** sort, per n·log2(n) (21). */
  arraySort: 25,
  /** indexOf, lastIndexOf, includes on an array (4.7). */
  arraySearch: 5,
  /** slice, reverse, splice, copyWithin, concat, flat, Array.from, per element (32-51). */
  arrayCopy: 50,
  /** map, forEach, filter, reduce, ... per element, on top of the callback's own bytecode (82 in all). */
  arrayIterate: 60,
  /** JSON.parse per input character (24.6). */
  jsonParse: 25,
  /** JSON.stringify per output character (60.5). */
  jsonStringify: 60,
  /** structuredClone, per value copied. */
  cloneValue: 300,
} as const;

/**
 * Charges under this many microseconds are summed in the guest and handed to the host together, so cheap calls
 * do not each cross the bridge; a larger one is handed over (and refused if over budget) before it runs.
 * What is left under it when a call ends is not charged.
 */
export const GUEST_FLUSH_US = 100;

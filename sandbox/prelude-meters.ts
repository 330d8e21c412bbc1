import { GUEST_FLUSH_US, NATIVE_RATES } from "./cost-model";

/**
 * Guest-side JavaScript, part of the prelude (prelude.ts): the meters that charge native built-ins to the call's
 * CPU budget. A native call runs no bytecode, so the interrupt handler never sees it; each metered built-in
 * computes its worst-case cost from the size of its input (rates in cost-model.ts) and charges it before the
 * original runs. Charges are summed here and handed to the host (`host("charge", ns)`) once they reach
 * GUEST_FLUSH_US, so a large call is refused before it starts and a cheap one costs no bridge crossing.
 *
 * Defines `charge(ns)`, `resetCharges()`, `RATES`, `nativeParse` and `estimateJsonChars` for the rest of the prelude. Like the prelude, it avoids
 * template literals so it can live inside one.
 */
export const METERS_SOURCE = /* js */ `
  // ---- meters: native built-ins charged to the CPU budget (../cost-model.ts) -------------------------------
  const RATES = ${JSON.stringify(NATIVE_RATES)};
  const FLUSH_NS = ${GUEST_FLUSH_US * 1000};
  let owed = 0;
  const charge = (ns) => {
    owed += ns;
    if (owed >= FLUSH_NS) {
      const due = owed;
      owed = 0;
      host("charge", due);
    }
  };
  // Charges left under FLUSH_NS by the previous call are not carried into the next one.
  const resetCharges = () => { owed = 0; };

  const apply = Reflect.apply;
  // The views of a call's arguments parse their levels with the original, charging inline (prelude.ts).
  const nativeParse = JSON.parse;
  const toStr = String;
  const lengthOf = (value) => {
    const n = value === null || value === undefined ? 0 : Number(value.length);
    return n > 0 ? Math.min(n, 2 ** 53 - 1) : 0;
  };
  // The receiver of a String.prototype method as the string the method will read (ToString once, here, so that a
  // String object or a toString() answering a huge string is charged too); null and undefined are left to the
  // original, which throws.
  const receiverString = (self) => (typeof self === "string" || self === null || self === undefined ? self : toStr(self));

  function replaceMethod(holder, name, make) {
    const original = holder[name];
    if (typeof original !== "function") return;
    const metered = make(original, Function.prototype.call.bind(original));
    Object.defineProperty(metered, "name", { value: original.name });
    Object.defineProperty(metered, "length", { value: original.length });
    Object.defineProperty(holder, name, { value: metered, writable: true, enumerable: false, configurable: true });
  }
  // Calls \`original\` (as \`invoke\`, its bound call) with exactly the arguments the wrapper got: fixed arities
  // avoid an arguments array on the hot path, and some built-ins tell an absent argument from undefined
  // (concat, splice, reduce).
  const forward = (invoke, original, self, count, a, b, c, rest) =>
    count === 0 ? invoke(self) : count === 1 ? invoke(self, a) : count === 2 ? invoke(self, a, b) : count === 3 ? invoke(self, a, b, c) : apply(original, self, rest);
  // A string method charged by the length of its receiver at rateOf(a) ns per character; 0 skips the charge where
  // another meter pays (a RegExp pattern is charged by the RegExp method the original calls).
  function meterString(name, rateOf) {
    replaceMethod(String.prototype, name, (original, invoke) => ({
      [name](a, b, c) {
        const self = receiverString(this);
        if (typeof self === "string" && self.length > 64) charge(self.length * rateOf(a));
        return forward(invoke, original, self, arguments.length, a, b, c, arguments);
      },
    })[name]);
  }
  // A method charged before it runs by cost(receiver, a, b), and, when given, after it ran by extra(result, receiver).
  function meter(holder, name, cost, extra) {
    replaceMethod(holder, name, (original, invoke) => ({
      [name](a, b, c) {
        charge(cost(this, a, b, arguments));
        const result = forward(invoke, original, this, arguments.length, a, b, c, arguments);
        if (extra !== undefined) charge(extra(result, this));
        return result;
      },
    })[name]);
  }

  const plainPattern = (pattern) => pattern === null || (typeof pattern !== "object" && typeof pattern !== "function");
  const always = (rate) => () => rate;
  for (const name of ["indexOf", "lastIndexOf", "includes"]) meterString(name, always(RATES.stringSearch));
  for (const name of ["replace", "replaceAll"]) meterString(name, (pattern) => (plainPattern(pattern) ? RATES.stringReplace : 0));
  meterString("split", (separator) =>
    separator === "" ? RATES.stringSplitChars : separator === undefined || !plainPattern(separator) ? 0 : RATES.stringSplit);
  for (const name of ["toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase"]) meterString(name, always(RATES.stringCase));
  meterString("normalize", always(RATES.stringNormalize));
  meter(String.prototype, "repeat", (self, count) => lengthOf(receiverString(self)) * (Number(count) > 0 ? Number(count) : 0) * RATES.stringBuild);
  for (const name of ["padStart", "padEnd"]) meter(String.prototype, name, (self, target) => (Number(target) > 0 ? Number(target) : 0) * RATES.stringBuild);

  // RegExp paths: String.prototype.replace/split/match with a RegExp pattern land here. exec and test are not
  // metered: the methods above call exec once per match, and a backtracking exec polls the interrupt handler.
  const regexpCost = (rate) => (self, input) => lengthOf(receiverString(input)) * rate;
  meter(RegExp.prototype, Symbol.replace, regexpCost(RATES.stringReplace));
  meter(RegExp.prototype, Symbol.match, regexpCost(RATES.stringReplace));
  meter(RegExp.prototype, Symbol.split, regexpCost(RATES.stringSplitChars));

  const perElement = (rate) => (self) => lengthOf(self) * rate;
  const sortCost = (self) => {
    const n = lengthOf(self);
    return n > 1 ? n * Math.log2(n) * RATES.arraySort : 0;
  };
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  for (const proto of [Array.prototype, typedArrayPrototype]) {
    // toString is not metered: it calls join.
    for (const name of ["join", "toLocaleString"]) meter(proto, name, perElement(RATES.arrayJoin));
    for (const name of ["indexOf", "lastIndexOf", "includes"]) meter(proto, name, perElement(RATES.arraySearch));
    for (const name of ["sort", "toSorted"]) meter(proto, name, sortCost);
    for (const name of ["reverse", "toReversed", "slice", "copyWithin", "with"]) meter(proto, name, perElement(RATES.arrayCopy));
    for (const name of ["map", "forEach", "filter", "reduce", "reduceRight", "some", "every", "find", "findIndex", "findLast", "findLastIndex"]) {
      meter(proto, name, perElement(RATES.arrayIterate));
    }
  }
  meter(Array.prototype, "fill", perElement(RATES.arrayFill));
  for (const name of ["splice", "toSpliced"]) meter(Array.prototype, name, perElement(RATES.arrayCopy));
  meter(Array.prototype, "concat", (self, a, b, args) => {
    let n = lengthOf(self);
    for (let i = 0; i < args.length; i++) n += Array.isArray(args[i]) ? lengthOf(args[i]) : 1;
    return n * RATES.arrayCopy;
  });
  // flat's nested arrays are only known by what comes out; the receiver is charged before, the rest after.
  for (const name of ["flat", "flatMap"]) {
    meter(Array.prototype, name, perElement(RATES.arrayCopy), (result, self) => Math.max(0, lengthOf(result) - lengthOf(self)) * RATES.arrayCopy);
  }
  meter(Array, "from", (self, items) => {
    const n = items === null || items === undefined ? 0 : typeof items === "string" ? items.length : typeof items.size === "number" ? items.size : lengthOf(items);
    return n * RATES.arrayCopy;
  });
  meter(JSON, "parse", (self, text) => lengthOf(receiverString(text)) * RATES.jsonParse);

  // JSON.stringify's cost is its output, known only after it ran; so it is estimated from a sample of the value
  // (each array by its first element, each object by up to 16 members, three levels deep) and charged ahead, which
  // refuses a large one before it starts, and what it really wrote is settled after (prelude.ts).
  function estimateJsonChars(value, depth) {
    if (typeof value === "string") return value.length + 2;
    if (value === null || typeof value !== "object") return 8;
    if (depth === 0) return 2;
    if (Array.isArray(value)) return value.length === 0 ? 2 : value.length * (1 + estimateJsonChars(value[0], depth - 1));
    let chars = 2;
    let members = 0;
    for (const key in value) {
      if (++members > 16) break;
      chars += key.length + 4 + estimateJsonChars(value[key], depth - 1);
    }
    return chars;
  }
`;

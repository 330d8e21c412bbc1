/**
 * How a call's JSON arguments reach the guest without being parsed there up front.
 *
 * Parsing and freezing a whole payload in QuickJS costs far more than most hooks spend reading it (a 1 KB body:
 * ~36 µs to parse, ~76 µs to freeze, ~43 µs to serialize back). Instead the host lays the arguments out as one
 * text of *levels*: each object or array becomes one shallow JSON text, in which a nested object or array is a
 * reference `[start, end, kind]` to its own level's place in the text. Children come before their parents, so the
 * root is last.
 *
 * The prelude parses a level only when the script first touches that object (see `view` in prelude.ts), and a
 * view the script returns untouched comes back as a marker naming its level, which `revive` swaps for the host's
 * own value: data that the script only passes through never enters QuickJS.
 *
 * An object's level is `[key, value, key, value, ...]` and an array's its elements (see LevelKind). Containers no
 * more than two levels deep, and small ones, are written whole by the platform's JSON.stringify instead. Values follow JSON:
 * strings, finite numbers, booleans and null as themselves, non-finite numbers as null, and members that JSON
 * would drop (undefined, functions, symbols) dropped, or null inside arrays.
 */
export interface ArgsLayout {
  readonly text: string;
  /** Where the root (the arguments array) is in `text`, and its kind. */
  readonly root: LevelRef;
  /** Each level's host value, by the level's start offset. */
  readonly levels: ReadonlyMap<number, unknown>;
}

/** How a level is written; the guest reads the kind from its reference. */
export const enum LevelKind {
  /** `[key, value, ...]` with references, or a plain JSON object written whole. */
  Object = 0,
  /** Elements, nested objects and arrays as references. */
  Array = 1,
  /** A plain JSON array written whole. */
  PlainArray = 2,
}

export interface LevelRef {
  readonly start: number;
  readonly end: number;
  readonly kind: LevelKind;
}

/** Deeper arguments are refused: no hook payload nests this far, and the layout recurses once per level. */
export const MAX_ARGS_DEPTH = 1000;

export class ArgsTooDeep extends RangeError {
  constructor() {
    super(`the arguments nest deeper than ${MAX_ARGS_DEPTH} levels`);
  }
}

interface Layout {
  text: string;
  readonly levels: Map<number, unknown>;
}

/** Lays `args` out as levels (see above). */
export function layOutArgs(args: readonly unknown[]): ArgsLayout {
  const layout: Layout = { text: "", levels: new Map() };
  const root = addLevel(args, layout, 0);
  return { text: layout.text, root, levels: layout.levels };
}

/** Appends `value`'s level after those of its members. */
function addLevel(value: object, layout: Layout, depth: number): LevelRef {
  if (depth > MAX_ARGS_DEPTH) throw new ArgsTooDeep();
  const array = Array.isArray(value);
  let body: string;
  let kind: LevelKind;
  if (depthBelow(value, 2) || fitsIn(value, SMALL_LEVEL_CHARS) >= 0) {
    // Shallow (a list of records, a user, headers) or small: the platform's JSON.stringify writes it whole, in
    // one call rather than one per member, and the guest parses and freezes it whole when it is first touched.
    body = JSON.stringify(value);
    kind = array ? LevelKind.PlainArray : LevelKind.Object;
  } else if (array) {
    body = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) body += ",";
      body += member(value[i], i, layout, depth) ?? "null";
    }
    body += "]";
    kind = LevelKind.Array;
  } else {
    body = "[";
    for (const key of Object.keys(value)) {
      const encoded = member((value as Record<string, unknown>)[key], key, layout, depth);
      if (encoded === undefined) continue;
      if (body.length > 1) body += ",";
      body += JSON.stringify(key) + "," + encoded;
    }
    body += "]";
    kind = LevelKind.Object;
  }
  const start = layout.text.length;
  layout.text += body;
  layout.levels.set(start, value);
  return { start, end: layout.text.length, kind };
}

/**
 * Below about this many characters of JSON, parsing and freezing a whole subtree at once costs the guest less
 * than a level per object (bench:sandbox, a ~60 B argument: 100 µs as levels, 60 µs whole).
 */
const SMALL_LEVEL_CHARS = 256;

/**
 * What is left of `budget` after a rough count of `value`'s JSON characters (escapes not counted), or -1 once it
 * runs out: a walk that stops early, so large values cost little to rule out.
 */
function fitsIn(value: unknown, budget: number): number {
  if (budget < 0) return -1;
  switch (typeof value) {
    case "string":
      return budget - value.length - 3;
    case "object": {
      if (value === null) return budget - 5;
      if ("toJSON" in value) return -1;
      let left = budget - 2;
      if (Array.isArray(value)) {
        for (const member of value) if ((left = fitsIn(member, left)) < 0) return -1;
      } else {
        for (const key of Object.keys(value)) {
          left -= key.length + 4;
          if ((left = fitsIn((value as Record<string, unknown>)[key], left)) < 0) return -1;
        }
      }
      return left;
    }
    default:
      return budget - 6;
  }
}

/** Whether `value` has no containers nested `levels` deep (1: its members are primitives), nor any toJSON. */
function depthBelow(value: object, levels: number): boolean {
  if ("toJSON" in value) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const member: unknown = value[i];
      if (member !== null && typeof member === "object" && (levels === 1 || !depthBelow(member, levels - 1))) return false;
    }
    return true;
  }
  for (const key in value) {
    const member: unknown = (value as Record<string, unknown>)[key];
    if (member !== null && typeof member === "object" && (levels === 1 || !depthBelow(member, levels - 1))) return false;
  }
  return true;
}

/** A member's text in its parent's level: a primitive's JSON, a reference, or undefined where JSON drops it. */
function member(value: unknown, key: string | number, layout: Layout, depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("a BigInt cannot be passed to a script: arguments are JSON values");
    case "object": {
      if (value === null) return "null";
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
        return member((value as { toJSON(key: string): unknown }).toJSON(String(key)), key, layout, depth);
      }
      const ref = addLevel(value, layout, depth + 1);
      return `[${ref.start},${ref.end},${ref.kind}]`;
    }
    default:
      return undefined;
  }
}

/**
 * Parses JSON the guest produced, swapping each marker `{"<markerKey>": start}` for the host value of that level.
 * What a script only passed through thus never counts against its result limit: that bounds the JSON it wrote.
 */
export function revive(json: string, markerKey: string, layout: ArgsLayout): unknown {
  const value: unknown = JSON.parse(json);
  if (!json.includes(JSON.stringify(markerKey).slice(1, -1))) return value;
  // A walk of the parsed value, not a JSON.parse reviver: V8 calls a reviver for every member, several times slower.
  const swap = (member: unknown): unknown => {
    if (member === null || typeof member !== "object") return member;
    if (Object.hasOwn(member, markerKey)) {
      const start = (member as Record<string, unknown>)[markerKey];
      if (typeof start === "number" && layout.levels.has(start)) return layout.levels.get(start);
    }
    const container = member as Record<string, unknown>;
    for (const key of Object.keys(container)) container[key] = swap(container[key]);
    return member;
  };
  return swap(value);
}

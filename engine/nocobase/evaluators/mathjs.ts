import {
  absDependencies,
  acosDependencies,
  addDependencies,
  andDependencies,
  andTransformDependencies,
  asinDependencies,
  atan2Dependencies,
  atanDependencies,
  booleanDependencies,
  cbrtDependencies,
  ceilDependencies,
  compareDependencies,
  compareTextDependencies,
  concatDependencies,
  concatTransformDependencies,
  cosDependencies,
  countDependencies,
  create,
  crossDependencies,
  deepEqualDependencies,
  detDependencies,
  divideDependencies,
  dotDependencies,
  dotDivideDependencies,
  dotMultiplyDependencies,
  dotPowDependencies,
  eDependencies,
  equalDependencies,
  equalTextDependencies,
  expDependencies,
  filterDependencies,
  filterTransformDependencies,
  fixDependencies,
  flattenDependencies,
  floorDependencies,
  forEachDependencies,
  forEachTransformDependencies,
  formatDependencies,
  gcdDependencies,
  hypotDependencies,
  indexDependencies,
  indexTransformDependencies,
  invDependencies,
  isIntegerDependencies,
  isNaNDependencies,
  isNegativeDependencies,
  isNumericDependencies,
  isPositiveDependencies,
  isZeroDependencies,
  largerDependencies,
  largerEqDependencies,
  lcmDependencies,
  log10Dependencies,
  log2Dependencies,
  logDependencies,
  mapDependencies,
  mapTransformDependencies,
  matrixDependencies,
  maxDependencies,
  maxTransformDependencies,
  meanDependencies,
  meanTransformDependencies,
  medianDependencies,
  minDependencies,
  minTransformDependencies,
  modDependencies,
  modeDependencies,
  multiplyDependencies,
  notDependencies,
  nthRootDependencies,
  numberDependencies,
  orDependencies,
  orTransformDependencies,
  parseDependencies,
  piDependencies,
  powDependencies,
  prodDependencies,
  rangeDependencies,
  rangeTransformDependencies,
  roundDependencies,
  signDependencies,
  sinDependencies,
  sizeDependencies,
  smallerDependencies,
  smallerEqDependencies,
  sortDependencies,
  sqrtDependencies,
  stdDependencies,
  stdTransformDependencies,
  stringDependencies,
  subsetDependencies,
  subsetTransformDependencies,
  subtractDependencies,
  sumDependencies,
  sumTransformDependencies,
  tanDependencies,
  transposeDependencies,
  typeOfDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  unequalDependencies,
  varianceDependencies,
  varianceTransformDependencies,
  xorDependencies,
  type FactoryFunction,
  type FactoryFunctionMap,
  type MathJsInstance,
  type MathNode,
} from "mathjs";

/**
 * The math.js engine: math.js's own expression parser and evaluator, in the host (no JavaScript is evaluated).
 *
 * It runs in the host, so what an expression may reach is bounded. The instance is limited (the full library would
 * add ~270 KB gzipped to the Worker) to arithmetic, comparison and logic, rounding, statistics, trigonometry and
 * matrices of the data at hand: no units, big numbers, fractions or symbolic algebra. Before it is evaluated, an
 * expression is checked against what turns a short text into unbounded work or memory: a namespace member other
 * than those (math.js builds helpers such as `zeros` and `identity` for its own use, and `import`, `config`,
 * `evaluate` or `parse` could change the shared instance), a function definition (`f(n) = f(n-1) + f(n-1)`), and a
 * range outside an index (`1:1e9`).
 */
const EXPOSED = {
  // arithmetic
  addDependencies, subtractDependencies, multiplyDependencies, divideDependencies, unaryMinusDependencies, unaryPlusDependencies,
  modDependencies, powDependencies, sqrtDependencies, cbrtDependencies, nthRootDependencies, absDependencies, expDependencies,
  logDependencies, log10Dependencies, log2Dependencies, hypotDependencies, gcdDependencies, lcmDependencies, signDependencies,
  roundDependencies, floorDependencies, ceilDependencies, fixDependencies, dotMultiplyDependencies, dotDivideDependencies, dotPowDependencies,
  // comparison and logic
  equalDependencies, unequalDependencies, largerDependencies, largerEqDependencies, smallerDependencies, smallerEqDependencies,
  compareDependencies, compareTextDependencies, equalTextDependencies, deepEqualDependencies,
  andDependencies, orDependencies, notDependencies, xorDependencies,
  // statistics
  minDependencies, maxDependencies, sumDependencies, prodDependencies, meanDependencies, medianDependencies, modeDependencies,
  stdDependencies, varianceDependencies,
  // trigonometry and constants
  sinDependencies, cosDependencies, tanDependencies, asinDependencies, acosDependencies, atanDependencies, atan2Dependencies,
  piDependencies, eDependencies,
  // matrices of the data at hand
  matrixDependencies, sizeDependencies, concatDependencies, transposeDependencies, flattenDependencies, sortDependencies,
  filterDependencies, mapDependencies, forEachDependencies, countDependencies, dotDependencies, crossDependencies,
  detDependencies, invDependencies,
  // types
  numberDependencies, stringDependencies, booleanDependencies, formatDependencies, typeOfDependencies,
  isNaNDependencies, isIntegerDependencies, isNumericDependencies, isZeroDependencies, isPositiveDependencies, isNegativeDependencies,
  // math.js types each map as a Record entry, so with noUncheckedIndexedAccess it reads as possibly undefined.
} as Record<string, FactoryFunctionMap>;

/**
 * The expression parser's versions of functions: 1-based indexes and dimensions, lazy `and`/`or`. `range` serves
 * slices (`a[2:3]`) only; an expression cannot call it.
 */
const TRANSFORMS = {
  rangeTransformDependencies, indexTransformDependencies, subsetTransformDependencies, andTransformDependencies, orTransformDependencies,
  concatTransformDependencies, filterTransformDependencies, forEachTransformDependencies, mapTransformDependencies,
  maxTransformDependencies, meanTransformDependencies, minTransformDependencies, stdTransformDependencies,
  sumTransformDependencies, varianceTransformDependencies,
} as Record<string, FactoryFunctionMap>;

// Transforms after the functions they wrap: math.js keeps the first factory it meets for a name.
const math: MathJsInstance = create({ parseDependencies: parseDependencies!, ...EXPOSED, rangeDependencies: rangeDependencies!, ...TRANSFORMS });

/** The names an expression may use: each exposed factory's own (`createAdd` → `add`). */
const AVAILABLE: ReadonlySet<string> = new Set(
  Object.values(EXPOSED).flatMap((dependencies) =>
    Object.entries(dependencies).flatMap(([key, factory]) => (key.startsWith("create") ? [(factory as FactoryFunction<unknown> & { fn: string }).fn] : [])),
  ),
);

/** Throws for what an expression may not do (see above); everything else is math.js's own evaluation. */
function checkBounded(node: MathNode): void {
  node.traverse((child, _path, parent) => {
    if (math.isFunctionAssignmentNode(child)) throw new Error("Function definitions are not supported");
    if (math.isRangeNode(child) && !math.isIndexNode(parent)) throw new Error("Ranges are only supported inside an index");
    if (math.isSymbolNode(child) && Object.hasOwn(math, child.name) && !AVAILABLE.has(child.name)) throw new Error(`${child.name} is not available`);
  });
}

/**
 * A result as plain data: math.js matrices become arrays, a function null, and other objects with a JSON form
 * (Date, math.js Complex or ResultSet) that form, which is what NocoBase's stored job result holds.
 */
function plainResult(value: unknown): unknown {
  if (math.isMatrix(value)) return plainResult(value.toArray());
  if (Array.isArray(value)) return value.map(plainResult);
  if (typeof value === "function") return null;
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") return JSON.parse(JSON.stringify(value));
  return value;
}

/** Evaluates a math.js expression with `scope`'s entries as its variables; indexes are 1-based (`a[1]` is the first item). */
export function evaluateMathjs(expression: string, scope: Readonly<Record<string, unknown>>): unknown {
  const node = math.parse(expression);
  checkBounded(node);
  // A copy: an assignment in the expression (`x = 1`) must not write into the caller's scope.
  return plainResult(node.compile().evaluate({ ...scope }));
}

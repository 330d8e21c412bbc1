/** The result rule all of NocoBase's expression engines share (§3.8, §4.2): numbers to 9 decimals, NaN and ±Infinity → null. */

const DECIMALS = 9;

/** Past this magnitude a double has no fractional digits left to round. */
const NO_FRACTION = 2 ** 52;

/**
 * Rounds as lodash `round` (NocoBase's) does: Math.round after shifting the decimal point in the number's text, so
 * 1.005 rounds to 1.01 rather than suffering binary error (1.005 * 100 is 100.49999…).
 */
export function roundDecimals(value: number, decimals = DECIMALS): number {
  if (!Number.isFinite(value) || Math.abs(value) >= NO_FRACTION) return value;
  const shift = (n: number, places: number) => {
    const [mantissa, exponent = "0"] = String(n).split("e");
    return Number(`${mantissa}e${Number(exponent) + places}`);
  };
  return shift(Math.round(shift(value, decimals)), -decimals);
}

/** An engine's result as NocoBase answers it: a number rounded, a non-finite number null, anything else as it is. */
export function normalizeResult(value: unknown): unknown {
  if (typeof value !== "number") return value;
  return Number.isFinite(value) ? roundDecimals(value) : null;
}

import type { NocobaseServices } from "../runtime";

/**
 * A failure of the guest as the host rethrows it: the sandbox reports a guest exception as `Name: message`, and
 * keeping the name apart makes `toString()` give NocoBase's text ("SyntaxError: …") and `message` the bare message.
 */
function guestError(description: string): Error {
  const named = /^([A-Za-z]*Error): ([\s\S]*)$/.exec(description);
  const error = new Error(named ? named[2] : description);
  if (named) error.name = named[1]!;
  return error;
}

/**
 * The formula.js engine: `expression` is JavaScript with every @formulajs/formulajs function and each scope entry as
 * a global, so it is evaluated in the QuickJS sandbox (`services.formula`), never in the host.
 */
export async function evaluateFormula(expression: string, scope: Readonly<Record<string, unknown>>, services: NocobaseServices | undefined): Promise<unknown> {
  if (services === undefined) throw new Error("the formula.js engine needs the sandbox, and this runtime has none");
  const outcome = await services.formula(expression, scope);
  if (!outcome.ok) throw guestError(outcome.message);
  return outcome.value;
}

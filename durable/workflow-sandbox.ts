import type { NocobaseServices, SandboxedOutcome } from "../engine/nocobase/runtime";
import type { InvokeOutcome, Limits, Sandbox, ScriptVersion } from "../sandbox";
// A relative path, as for the QuickJS wasm: wrangler's Text rule (wrangler.toml) makes it the bundle's source text.
import FORMULAJS_SOURCE from "../node_modules/@formulajs/formulajs/lib/browser/formula.min.js";

/**
 * The NocoBase dialect's JavaScript, run in the QuickJS sandbox and never in the host: formula.js expressions and
 * the `script` node's bodies (nocobase-workflow.md §3.9, §4.2).
 */

export const FORMULA_DECORATOR = "nocobase.formula";

/**
 * Register these with the Sandbox the services are given: `new Sandbox({decorators: {...WORKFLOW_SANDBOX_DECORATORS}})`.
 * The formula decorator evaluates the @formulajs/formulajs bundle once per warm runtime (the UMD wrapper finds
 * `exports` and fills it) and hands the frozen functions to each formula call as its third argument.
 */
export const WORKFLOW_SANDBOX_DECORATORS: Readonly<Record<string, string>> = {
  [FORMULA_DECORATOR]: `(function () {
  var exports = {}, module = { exports: exports };
${FORMULAJS_SOURCE}
  ;
  const freeze = (value) => {
    if ((typeof value === "object" || typeof value === "function") && value !== null && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if ("value" in descriptor) freeze(descriptor.value);
      }
    }
    return value;
  };
  // No prototype: a name such as toString must not resolve to Object.prototype's inside the expression.
  const formulas = freeze(Object.assign(Object.create(null), exports));
  return (args) => [args[0], args[1], formulas];
})()`,
};

/**
 * Built into the Worker, so a fixed key (in place of a content hash) is enough to keep each compiled once per
 * runtime: another version of this file is another deployment, hence another isolate.
 */
function builtIn(path: string, source: string): ScriptVersion {
  return { path, sha256: `built-in:${path}`, source };
}

/**
 * `expression` evaluated as a script (statements allowed, its completion value answered, as in NocoBase's SES
 * Compartment), with the scope's `$$n` values and then the formula.js functions as its globals. `with` needs sloppy
 * code, which the Function constructor and direct eval give inside a module.
 */
const FORMULA_SCRIPT = builtIn(
  "nocobase/formula",
  `const evaluateWith = new Function("__formulas", "__scope", "__expression", "with (__formulas) with (__scope) return eval(__expression);");
export default function evaluateFormula(expression, scope, formulas) {
  return evaluateWith(formulas, Object.assign(Object.create(null), scope), expression);
}`,
);

/** What the script runner answers: the awaited value, the message of a throw, or a syntax error and the text at it. */
type ScriptRun = { readonly value?: unknown } | { readonly error: string } | { readonly syntaxError: string; readonly near: string };

/**
 * The `script` node's body as NocoBase runs it, `async function __main() { <content> }`, in sloppy mode with each
 * argument a global (a `with` scope over mutable copies of the read-only arguments; a name whose value JSON dropped
 * is still bound, to undefined). Compiled with indirect eval, whose source QuickJS names `<input>`, so a syntax
 * error's position finds the text it is at. QuickJS's own errors (InternalError: stack overflow, out of memory)
 * go on to the sandbox, which reports them as limits.
 */
const JAVASCRIPT_SCRIPT = builtIn(
  "nocobase/javascript",
  `export default async function runScript(content, args, names) {
  const source = "(function (__scope) { with (__scope) return (async function __main() {\\n" + content + "\\n})(); })";
  let main;
  try {
    main = (0, eval)(source);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const at = /<input>:(\\d+):(\\d+)/.exec(String(error.stack));
    const line = at ? source.split("\\n")[Number(at[1]) - 1] : undefined;
    return { syntaxError: error.message, near: line === undefined ? "" : line.slice(Number(at[2]) - 1) };
  }
  const values = structuredClone(args);
  const scope = Object.create(null);
  for (const name of names) scope[name] = values[name];
  try {
    return { value: await main(scope) };
  } catch (error) {
    if (error instanceof InternalError) throw error;
    return { error: error instanceof Error ? error.message : String(error) };
  }
}`,
);

const RESERVED_WORDS = new Set(
  ("await break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof let new null return static super switch this throw true try typeof var void while with yield").split(" "),
);

const PUNCTUATOR = /^(?:>>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|&&=|\|\|=|\?\?=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.|\+\+|--|[-+*/%&|^]=|\*\*|<<|>>|[{}()[\];,<>+\-*/%&|^!~?:=.@#])/;

/** V8's "unexpected" message for the token that starts `near`. */
function unexpected(near: string): string {
  const text = near.trimStart();
  if (text === "") return "Unexpected end of input";
  if (/^["']/.test(text)) return "Unexpected string";
  if (text.startsWith("`")) return "Unexpected template string";
  if (/^\.?\d/.test(text)) return "Unexpected number";
  const word = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/u.exec(text)?.[0];
  if (word !== undefined) return RESERVED_WORDS.has(word) ? `Unexpected token '${word}'` : `Unexpected identifier '${word}'`;
  return `Unexpected token '${PUNCTUATOR.exec(text)?.[0] ?? [...text][0]}'`;
}

/**
 * A QuickJS syntax error in the words V8 (hence NocoBase) uses, where they correspond: QuickJS names what it
 * expected ("variable name expected", "expecting ';'"), V8 the token it met (`Unexpected token 'return'`), so the
 * token comes from `near`, the source text at the error. Other messages keep QuickJS's words.
 */
export function v8SyntaxMessage(message: string, near: string): string {
  if (/^(?:unexpected token|expecting |variable name expected|identifier expected)/.test(message)) return unexpected(near);
  if (/^(?:invalid number literal|unexpected end of string|unexpected end of comment|unexpected character|invalid escape)/.test(message)) {
    return "Invalid or unexpected token";
  }
  if (message === "invalid assignment left-hand side") return "Invalid left-hand side in assignment";
  if (message === "missing initializer for const variable") return "Missing initializer in const declaration";
  const redeclared = /^invalid redefinition of lexical identifier '(.*)'$|^redeclaration of '(.*)'$/.exec(message);
  if (redeclared) return `Identifier '${redeclared[1] ?? redeclared[2]}' has already been declared`;
  return message;
}

const linesOf = (outcome: InvokeOutcome): string[] => outcome.logs.map((entry) => entry.message);

/**
 * NocobaseServices' `formula` and `javascript` on `sandbox` (which must have WORKFLOW_SANDBOX_DECORATORS), in
 * `project`'s runtimes and within its `limits`. A script's `timeout` (ms) bounds both its wall-clock time (a
 * script that sleeps on a timer or waits on fetch) and its deterministic CPU budget, each capped by the project's
 * limit; going past either reports "Script execution timed out after <N>ms" with the timeout.
 */
export function workflowSandboxServices(sandbox: Sandbox, project: string, limits: Limits): Pick<NocobaseServices, "formula" | "javascript"> {
  return {
    async formula(expression, scope): Promise<SandboxedOutcome> {
      const outcome = await sandbox.invoke({ project, script: FORMULA_SCRIPT, args: [expression, scope], limits, decorate: FORMULA_DECORATOR });
      if (outcome.ok) return { ok: true, value: outcome.result, logs: linesOf(outcome) };
      return { ok: false, message: outcome.error.message, timedOut: outcome.error.code === "cpu_budget_exceeded", logs: linesOf(outcome) };
    },

    async javascript(content, args, timeoutMs): Promise<SandboxedOutcome> {
      const bounded = timeoutMs === undefined ? limits : { ...limits, cpuMs: Math.min(limits.cpuMs, timeoutMs), wallMs: Math.min(limits.wallMs, timeoutMs) };
      const outcome = await sandbox.invoke({ project, script: JAVASCRIPT_SCRIPT, args: [content, args, Object.keys(args)], limits: bounded });
      const logs = linesOf(outcome);
      if (!outcome.ok) {
        const code = outcome.error.code;
        const timedOut = code === "cpu_budget_exceeded" || code === "wall_clock_exceeded";
        const after = code === "cpu_budget_exceeded" ? bounded.cpuMs : bounded.wallMs;
        return { ok: false, message: timedOut ? `Script execution timed out after ${after}ms` : outcome.error.message, timedOut, logs };
      }
      const run = outcome.result as ScriptRun;
      if ("syntaxError" in run) return { ok: false, message: v8SyntaxMessage(run.syntaxError, run.near), timedOut: false, logs };
      if ("error" in run) return { ok: false, message: run.error, timedOut: false, logs };
      return { ok: true, value: run.value, logs };
    },
  };
}

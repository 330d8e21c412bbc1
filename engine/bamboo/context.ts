import type { ContextValue, NodeData, RawInput } from "./records";
import type { BambooRuntime } from "./runtime";
import { renderTemplate, templateReferences } from "./template";

/** `${name}` → `name`. */
export function bareKey(key: string): string {
  return key.startsWith("${") && key.endsWith("}") ? key.slice(2, -1) : key;
}

/** `name` → `${name}`. */
export function contextKey(name: string): string {
  return name.startsWith("${") ? name : "${" + name + "}";
}

/** A variable that failed to resolve (a lazy variable's script threw): the node's inputs cannot be hydrated. */
export class HydrateFailed extends Error {
  override readonly name = "HydrateFailed";
}

/**
 * Resolves the context values `keys` refer to, and the keys those refer to in turn, into a pool of bare names
 * → values (bamboo's Context.hydrate). Only these keys are read: a node never loads the whole context. Unknown
 * keys are left out, so fragments naming them stay literal.
 */
export async function hydrate(rt: BambooRuntime, pipelineId: string, keys: readonly string[]): Promise<Record<string, unknown>> {
  const values = new Map<string, ContextValue>();
  let wanted = [...new Set(keys)];
  while (wanted.length > 0) {
    const found = rt.store.contextValues(pipelineId, wanted);
    const next: string[] = [];
    for (const value of found) {
      values.set(value.key, value);
      for (const ref of value.references) if (!values.has(ref)) next.push(ref);
    }
    wanted = [...new Set(next)].filter((key) => !values.has(key));
  }
  const pool: Record<string, unknown> = {};
  const resolving = new Set<string>();
  const resolve = async (key: string): Promise<void> => {
    const name = bareKey(key);
    if (name in pool || resolving.has(key)) return;
    const value = values.get(key);
    if (value === undefined) return;
    resolving.add(key);
    for (const ref of value.references) await resolve(ref);
    resolving.delete(key);
    if (value.type === "plain") {
      pool[name] = value.value;
      return;
    }
    const rendered = renderTemplate(value.value, pool);
    if (value.type === "splice") {
      pool[name] = rendered;
      return;
    }
    try {
      pool[name] = await rt.scripts.lazyValue(value.code ?? "", rendered, poolWithKeys(pool));
    } catch (error) {
      throw new HydrateFailed(`${key}: ${(error as Error).message}`);
    }
  };
  for (const key of values.keys()) await resolve(key);
  return pool;
}

/** The pool as bamboo's context shows it to lazy variables: `${name}` keys. */
function poolWithKeys(pool: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keyed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(pool)) keyed[contextKey(name)] = value;
  return keyed;
}

/** Renders the need_render entries of raw inputs against a hydrated pool; the others pass unrendered. */
export function renderInputs(inputs: Readonly<Record<string, RawInput>>, pool: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, input] of Object.entries(inputs)) rendered[key] = input.need_render ? renderTemplate(input.value, pool) : input.value;
  return rendered;
}

/** The context keys the need_render entries of raw inputs refer to. */
export function inputReferences(inputs: Readonly<Record<string, RawInput>>): string[] {
  return templateReferences(Object.values(inputs).filter((input) => input.need_render).map((input) => input.value));
}

/** Hydrates and renders raw inputs in one pipeline's context. */
export async function prepareInputs(rt: BambooRuntime, pipelineId: string, inputs: Readonly<Record<string, RawInput>>): Promise<Record<string, unknown>> {
  const pool = await hydrate(rt, pipelineId, inputReferences(inputs));
  return renderInputs(inputs, pool);
}

export function plainValue(key: string, value: unknown): ContextValue {
  return { key, type: "plain", value, references: [] };
}

/** Writes a node's mapped outputs that are present into the context as PLAIN (bamboo's output extraction). */
export function extractOutputs(rt: BambooRuntime, pipelineId: string, data: NodeData | undefined, outputs: Readonly<Record<string, unknown>>): void {
  if (data === undefined) return;
  for (const [outputKey, key] of Object.entries(data.outputs)) {
    if (outputKey in outputs) rt.store.putContextValue(pipelineId, plainValue(key, outputs[outputKey]));
  }
}

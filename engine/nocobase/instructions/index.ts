import type { Instruction, InstructionRegistry } from "../instruction";
import { calculation } from "./calculation";
import { condition } from "./condition";
import { delay } from "./delay";
import { end } from "./end";
import { event } from "./event";
import { jsonQuery } from "./json-query";
import { loop } from "./loop";
import { manual } from "./manual";
import { multiConditions } from "./multi-conditions";
import { output } from "./output";
import { parallel } from "./parallel";
import { request } from "./request";
import { script } from "./script";

/** The built-in instructions implemented so far, by type. */
export const BUILTIN_INSTRUCTIONS: Readonly<Record<string, Instruction>> = {
  condition,
  "multi-conditions": multiConditions,
  parallel,
  loop,
  end,
  delay,
  request,
  manual,
  output,
  calculation,
  "json-query": jsonQuery,
  script,
  event,
};

/** A registry of the built-ins plus `extra` types (custom instructions); an extra type may not shadow a built-in. */
export function instructionRegistry(extra: Readonly<Record<string, Instruction>> = {}): InstructionRegistry {
  const registry = new Map<string, Instruction>(Object.entries(BUILTIN_INSTRUCTIONS));
  for (const [type, instruction] of Object.entries(extra)) {
    if (registry.has(type)) throw new Error(`instruction type "${type}" is built in`);
    registry.set(type, instruction);
  }
  return registry;
}

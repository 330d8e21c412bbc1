import type { NocobaseServices } from "../engine/nocobase/runtime";
import { signLink } from "../security/signed-links";
import type { Limits } from "../sandbox";
import type { InstructionScriptRunner } from "./instruction-scripts";
import { runSandbox } from "./run-sandbox";
import { workflowSandboxServices } from "./workflow-sandbox";

/** Where an execution's signed links point and what signs them. */
export interface LinkSigning {
  readonly project: string;
  readonly execution: string;
  /** The public origin, e.g. `https://hooks.example.com`. */
  readonly origin: string;
  readonly secret: string;
}

/** The URL of a signed link token. */
export function signedUrl(origin: string, token: string): string {
  return `${origin}/v1/signed/${token}`;
}

/** The run host's services for one execution: its scripts, the sandbox, the network and its signed links. */
export function executionServices(instructions: InstructionScriptRunner, limits: Limits, signing: LinkSigning): NocobaseServices {
  const { project, execution, origin, secret } = signing;
  const unavailable = (what: string) => () => Promise.reject(new Error(`${what} is not available yet`));
  return {
    instructions,
    ...workflowSandboxServices(runSandbox, project, limits),
    fetch: unavailable("the request node"),
    resumeUrl: async (job) => signedUrl(origin, await signLink(secret, { kind: "job", project, execution, job })),
    taskUrl: async (task, assignee) => signedUrl(origin, await signLink(secret, { kind: "task", project, execution, task, assignee })),
  };
}

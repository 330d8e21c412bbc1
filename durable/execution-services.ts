import type { NocobaseServices } from "../engine/nocobase/runtime";
import type { OutboundPolicy } from "../net/outbound-policy";
import { sendOutbound } from "../net/send";
import { signedUrl, signLink } from "../security/signed-links";
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
  /** The project's current signing secret (RunObject.linkSecret). */
  readonly secret: () => Promise<string | undefined>;
}

/** The `request` node's host rules, from the project's settings. */
export interface RequestHostRules {
  readonly requestHosts?: readonly string[];
  readonly allowPrivateNetwork: boolean;
}

/** The outbound policy of a project's workflows, naming the settings that set it in its refusals. */
function requestPolicy(rules: RequestHostRules): OutboundPolicy {
  return {
    ...(rules.requestHosts === undefined ? {} : { allowedHosts: rules.requestHosts }),
    allowPrivateNetwork: rules.allowPrivateNetwork,
    settingNames: { allowedHosts: "workflows.requestHosts", allowPrivateNetwork: "workflows.allowPrivateNetwork" },
  };
}

/** The run host's services for one execution: its scripts, the sandbox, the network and its signed links. */
export function executionServices(instructions: InstructionScriptRunner, limits: Limits, hosts: RequestHostRules, signing: LinkSigning): NocobaseServices {
  const { project, execution, origin, secret } = signing;
  const policy = requestPolicy(hosts);
  const signingSecret = async () => {
    const current = await secret();
    if (current === undefined) throw new Error(`project ${project} no longer exists: no signing secret`);
    return current;
  };
  return {
    instructions,
    ...workflowSandboxServices(runSandbox, project, limits),
    fetch: (request) => sendOutbound(request, policy),
    resumeUrl: async (job) => signedUrl(origin, signLink(await signingSecret(), { kind: "job", project, execution, job })),
    taskUrl: async (task, assignee) => signedUrl(origin, signLink(await signingSecret(), { kind: "task", project, execution, task, assignee })),
  };
}

import { BAMBOO_SERVICE_DECORATOR, BAMBOO_SERVICE_SOURCE } from "../engine/bamboo/service-guest";
import { NOCOBASE_INSTRUCTION_DECORATOR, NOCOBASE_INSTRUCTION_SOURCE } from "../engine/nocobase/instruction-guest";
import { recordSandboxCall } from "../metrics/record";
import { Sandbox } from "../sandbox";
import { WORKFLOW_SANDBOX_DECORATORS } from "./workflow-sandbox";

/** The isolate's sandbox for pipeline runs, with both dialects' calling conventions and the workflow expression engines. */
export const runSandbox = new Sandbox({
  decorators: {
    [BAMBOO_SERVICE_DECORATOR]: BAMBOO_SERVICE_SOURCE,
    [NOCOBASE_INSTRUCTION_DECORATOR]: NOCOBASE_INSTRUCTION_SOURCE,
    ...WORKFLOW_SANDBOX_DECORATORS,
  },
  onOutcome: recordSandboxCall,
});

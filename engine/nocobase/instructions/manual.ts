import type { Instruction } from "../instruction";
import type { TaskRecord } from "../records";
import { JOB_STATUS } from "../statuses";

/** `mode`: 0 the first submission decides, 1 all must resolve (countersign), -1 any may resolve (or-sign). */
export const MANUAL_MODE = { SINGLE: 0, ALL: 1, ANY: -1 } as const;

/** A form's action: its key, the status it submits with (1 resolve, -5 reject, 0 draft), and preset values. */
export interface ManualAction {
  readonly key: string;
  readonly status: number;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** The assignees as NocoBase resolves them: templates parsed, one level flattened, falsy dropped, de-duplicated. */
function assigneesOf(resolved: unknown): string[] {
  const list = (Array.isArray(resolved) ? resolved : [resolved]).flat().filter(Boolean);
  return [...new Set(list.map(String))];
}

/**
 * `manual` (§3.7): one task per assignee, each submitted through its own signed URL (operations.ts
 * `submitManualTask` decides the job's status from the tasks). With no assignee the node passes straight through.
 */
export const manual: Instruction = {
  async: true,

  async run(node, input, processor) {
    const assignees = assigneesOf(processor.getParsedValue(node.config.assignees ?? [], node.id));
    const mode = Number(node.config.mode ?? MANUAL_MODE.SINGLE);
    const job = processor.saveJob({
      status: assignees.length ? JOB_STATUS.PENDING : JOB_STATUS.RESOLVED,
      result: mode ? [] : null,
      nodeId: node.id,
      nodeKey: node.key,
      upstreamId: input && "id" in input ? input.id : null,
    });
    const title = node.config.title === undefined ? node.title : String(processor.getParsedValue(node.config.title, node.id));
    for (const assignee of assignees) {
      processor.saveTask({ jobId: job.id, nodeId: node.id, nodeKey: node.key, assignee, status: JOB_STATUS.PENDING, result: null, title: title ?? null });
    }
    return job;
  },

  // The submission already stored the job's new status: the chain goes on with the job as it is.
  async resume(_node, job) {
    return job;
  },

  validateConfig(config) {
    const errors: Record<string, string> = {};
    if (config.mode !== undefined && ![0, 1, -1].includes(config.mode as number)) errors.mode = '"mode" must be one of [0, 1, -1]';
    if (config.assignees !== undefined && !Array.isArray(config.assignees) && typeof config.assignees !== "string") errors.assignees = '"assignees" must be an array';
    const forms = config.forms;
    if (forms !== undefined && (forms === null || typeof forms !== "object" || Array.isArray(forms))) errors.forms = '"forms" must be an object of forms by key';
    else if (forms !== undefined) {
      for (const [formKey, form] of Object.entries(forms as Record<string, unknown>)) {
        const actions = (form as { actions?: unknown } | null)?.actions;
        if (actions !== undefined && (!Array.isArray(actions) || actions.some((a) => typeof a?.key !== "string" || typeof a?.status !== "number"))) {
          errors[`forms.${formKey}.actions`] = '"actions" must be a list of {key, status, values?}';
        }
      }
    }
    return Object.keys(errors).length ? errors : null;
  },
};

/**
 * The job's status and result from its tasks (§3.7 "Job aggregation"). `submitted` is the task just submitted.
 * Mode 0: the first decided task; mode 1: all resolved, or the first rejection; mode -1: any resolved, or all
 * rejected. For modes ±1 the result is the share of tasks submitted.
 */
export function aggregateTasks(mode: number, tasks: readonly TaskRecord[], submitted: TaskRecord): { status: number; result: unknown } {
  const decided = tasks.filter((t) => t.status !== JOB_STATUS.PENDING);
  if (mode === MANUAL_MODE.SINGLE) {
    const first = decided[0];
    return { status: first === undefined ? JOB_STATUS.PENDING : first.status, result: submitted.result };
  }
  const ratio = tasks.length === 0 ? 0 : decided.length / tasks.length;
  if (mode === MANUAL_MODE.ALL) {
    const rejected = decided.find((t) => t.status !== JOB_STATUS.RESOLVED);
    if (rejected !== undefined) return { status: rejected.status, result: ratio };
    return { status: decided.length === tasks.length ? JOB_STATUS.RESOLVED : JOB_STATUS.PENDING, result: ratio };
  }
  if (decided.some((t) => t.status === JOB_STATUS.RESOLVED)) return { status: JOB_STATUS.RESOLVED, result: ratio };
  return { status: decided.length === tasks.length ? JOB_STATUS.REJECTED : JOB_STATUS.PENDING, result: ratio };
}

// @ts-check
// A node that waits for someone outside: `run` answers a PENDING job, so the execution suspends (STARTED), and
// `resume` decides once the job is resumed from outside. Whoever decides POSTs the job's signed resume URL:
//
//   POST <resumeUrl>  {"result": {"approved": true, "by": "ann", "comment": "ok"}}
//
// The URL needs no API key. It is listed with the pending job in GET /v1/projects/{p}/executions/{id}
// (`jobs[].resumeUrl`, also shown by `hookflow execution show <id>`); with `config.notify` the node also POSTs it
// to that address itself. Approved → RESOLVED and the chain goes on; rejected → REJECTED (-5), which ends the
// execution REJECTED.
//
//   {"key": "approval", "type": "approval", "config": {"title": "Order {{$context.data.id}}: approve?"}}
//
// NocoBase: an instruction whose `run` returns {status: JOB_STATUS.PENDING} and whose `resume` reads the job that a
// plugin changed before calling plugin.resume(job).

/** @typedef {{ title?: string, notify?: string }} Config */
/** @typedef {{ approved: boolean, by?: string, comment?: string }} Decision */

// `fetch` reaches only the hosts listed here (for `notify`).
export const permissions = { net: ["hooks.example.com"] };

/** @type {import("hookflow/nocobase").Instruction<Config, Decision>} */
export default {
  // It suspends: a sync workflow refuses this node type when it is saved.
  async: true,

  async run(node, input, processor) {
    const title = String(await processor.getParsedValue(node.config.title ?? "Approve?"));
    // What was asked goes in `meta`; `result` is left for the decision.
    const meta = { title, requestedAt: new Date().toISOString() };
    if (!node.config.notify) return { status: JOB_STATUS.PENDING, result: null, meta };

    // To hand out the resume URL, the job must exist: save it first, then return that same job.
    const job = await processor.saveJob({ status: JOB_STATUS.PENDING, result: null, meta });
    const resumeUrl = await processor.resumeUrl(job);
    const notify = String(await processor.getParsedValue(node.config.notify));
    const response = await fetch(notify, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: title, execution: processor.execution.id, resumeUrl }),
    });
    // A throw makes the job ERROR (the same job: it was saved already).
    if (!response.ok) throw new Error(`could not notify ${notify}: HTTP ${response.status}`);
    return job;
  },

  // `job` is this node's pending job, with what the resume set on it (here: `result`).
  resume(node, job) {
    // Someone resumed with an explicit {"status": …}: that decides.
    if (job.status !== JOB_STATUS.PENDING) return job;
    const decision = job.result;
    if (decision?.approved === true) return { ...job, status: JOB_STATUS.RESOLVED };
    if (decision?.approved === false) return { ...job, status: JOB_STATUS.REJECTED };
    // Anything else is a mistake of the caller: the job becomes ERROR (and so does the execution).
    throw new TypeError('resume this job with {"result": {"approved": true | false, "by"?: string, "comment"?: string}}');
  },

  validateConfig(config) {
    if (config.title !== undefined && typeof config.title !== "string") return { title: '"title" must be a string' };
    if (config.notify !== undefined && typeof config.notify !== "string") return { notify: '"notify" must be a URL (or a template)' };
    return null;
  },
};

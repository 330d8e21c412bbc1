import type { Limits } from "../sandbox";
import { PinnedSources, type PinnedScripts } from "./pinned-sources";
import type { ProjectRegistry } from "./project-registry";
import { runSandbox } from "./run-sandbox";
import type { RunEvent } from "./run-event";

/** The event a failing signal script adds to the run's log (never fed back to signal scripts). */
export const SIGNAL_FAILED = "signal_failed";

/** How one signal script's call failed. */
export interface SignalFailure {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * A run's `signal/{name}` scripts (api.md "Events out"), pinned like its other scripts: each one's default export
 * is called with every engine event, in the sandbox, under the run's limits. What a call returns is ignored and
 * how it fails is only reported: nothing here can change the run.
 */
export class SignalScripts {
  private readonly sources: PinnedSources;
  readonly paths: readonly string[];

  constructor(
    registry: DurableObjectStub<ProjectRegistry>,
    private readonly project: string,
    pinned: PinnedScripts,
    private readonly limits: Limits,
  ) {
    this.sources = new PinnedSources(registry, pinned);
    this.paths = Object.keys(pinned)
      .filter((path) => path.startsWith("signal/"))
      .sort();
  }

  /** Calls every signal script with the event, one after another; answers the failures. */
  async deliver(event: RunEvent): Promise<SignalFailure[]> {
    const failures: SignalFailure[] = [];
    for (const path of this.paths) {
      try {
        const { script, libraries } = await this.sources.load(path);
        const outcome = await runSandbox.invoke({ project: this.project, script, libraries, limits: this.limits, exportName: "default", args: [event] });
        for (const entry of outcome.logs) console.log(`[run ${event.run.id}] ${path} [${entry.level}]`, entry.message);
        if (!outcome.ok) failures.push({ path, code: outcome.error.code, message: outcome.error.message });
      } catch (error) {
        failures.push({ path, code: "script_unavailable", message: error instanceof Error ? error.message : String(error) });
      }
    }
    return failures;
  }
}

/** The `hookflow` CLI (bin/hookflow.js) run as a real child process, stdout and stderr piped (not a terminal). */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./server";

export const CLI = join(ROOT, "bin", "hookflow.js");

export interface CliRun {
  /** The exit code; 1 when the process was killed (e.g. by the timeout). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Kills the CLI after this long; no limit when omitted. */
  readonly timeoutMs?: number;
}

/** Runs `hookflow ...args` in the repository root, with `env` on top of this process's environment. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: options.timeoutMs ?? 0 },
      (error: (Error & { code?: unknown }) | null, stdout: string, stderr: string) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

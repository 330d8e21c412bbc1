/** Setting up a Fireboom hook project on a running server for the conformance tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ROOT, request, type Server } from "./server";

export interface HookProject {
  readonly project: string;
  readonly hookKey: string;
  readonly fireboomBaseUrl: string;
}

/** examples/fireboom as script path → source (every .js file, path without the extension). */
export function exampleScripts(): Record<string, string> {
  const root = join(ROOT, "examples", "fireboom");
  const scripts: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith(".js")) scripts[relative(root, file).split(sep).join("/").replace(/\.js$/, "")] = readFileSync(file, "utf8");
    }
  };
  visit(root);
  return scripts;
}

/**
 * Creates a project (admin token), applies `settings` if given, and uploads `scripts` (lib/ first, since the
 * others import it). Throws on any failure: this is setup, not the thing under test.
 */
export async function hookProject(
  server: Server,
  project: string,
  scripts: Record<string, string>,
  settings?: Record<string, unknown>,
): Promise<HookProject> {
  const created = await request(server, "PUT", `/v1/projects/${project}`);
  if (created.status !== 201) throw new Error(`creating ${project}: ${created.status} ${JSON.stringify(created.body)}`);
  if (settings !== undefined) {
    const patched = await request(server, "PATCH", `/v1/projects/${project}`, { json: settings });
    if (patched.status !== 200) throw new Error(`settings of ${project}: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
  const put = async (path: string) => {
    const reply = await request(server, "PUT", `/v1/projects/${project}/scripts/${path}`, { script: scripts[path] });
    if (reply.status !== 201 && reply.status !== 200) throw new Error(`upload ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  };
  const paths = Object.keys(scripts);
  await Promise.all(paths.filter((p) => p.startsWith("lib/")).map(put));
  await Promise.all(paths.filter((p) => !p.startsWith("lib/")).map(put));
  return { project, hookKey: created.body.hookKey, fireboomBaseUrl: created.body.fireboomBaseUrl };
}

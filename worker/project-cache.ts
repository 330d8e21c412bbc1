import type { Manifest } from "../durable/registry";
import type { Libraries, ScriptVersion } from "../sandbox";
import { registryOf, type Bindings } from "./env";

/**
 * The isolate's read-through cache of project manifests and script sources. Hot paths (every hook call) read
 * here instead of asking the project's Durable Object each time.
 *
 * Manifests live MANIFEST_TTL_MS, which bounds how long another isolate can serve an old version after an
 * upload (the contract is 1 s); writes made through this isolate drop its entry at once. Sources are keyed by
 * content hash, immutable, so they never go stale: only the memory bound evicts them.
 */
export const MANIFEST_TTL_MS = 500;
const MAX_SOURCE_CHARS = 32 * 1024 * 1024;

const manifests = new Map<string, { manifest: Manifest | undefined; expires: number }>();
const sources = new Map<string, string>();
let sourceChars = 0;

export async function manifestOf(env: Bindings, project: string): Promise<Manifest | undefined> {
  const now = Date.now();
  const hit = manifests.get(project);
  if (hit !== undefined && hit.expires > now) return hit.manifest;
  const manifest = await registryOf(env, project).manifest();
  manifests.set(project, { manifest, expires: now + MANIFEST_TTL_MS });
  return manifest;
}

/** Called after this isolate changed a project, so its own next request sees the change. */
export function forgetProject(project: string): void {
  manifests.delete(project);
}

export interface LoadedScript {
  readonly script: ScriptVersion;
  readonly libraries: Libraries;
}

/** The current version of a script with every lib/ script it may import, or undefined if there is none. */
export async function loadScript(env: Bindings, manifest: Manifest, path: string): Promise<LoadedScript | undefined> {
  const entry = manifest.scripts[path];
  if (entry === undefined) return undefined;
  const libs = Object.entries(manifest.scripts).filter(([p]) => p.startsWith("lib/")).sort(([a], [b]) => (a < b ? -1 : 1));
  const wanted = [entry.sha256, ...libs.map(([, l]) => l.sha256)];
  const missing = wanted.filter((sha) => !sources.has(sha));
  if (missing.length > 0) {
    const fetched = await registryOf(env, manifest.project).sources([...new Set(missing)]);
    for (const [sha, source] of Object.entries(fetched)) remember(sha, source);
  }
  const source = sources.get(entry.sha256);
  if (source === undefined) return undefined;
  const libraries = new Map(libs.map(([p, l]) => [p, sources.get(l.sha256) ?? ""]));
  return {
    script: { path, sha256: entry.sha256, source },
    libraries: { fingerprint: libs.map(([p, l]) => `${p}@${l.sha256}`).join(","), sources: libraries },
  };
}

function remember(sha: string, source: string): void {
  sources.set(sha, source);
  sourceChars += source.length;
  for (const [oldSha, oldSource] of sources) {
    if (sourceChars <= MAX_SOURCE_CHARS) break;
    sources.delete(oldSha);
    sourceChars -= oldSource.length;
  }
}

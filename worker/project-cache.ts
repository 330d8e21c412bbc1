import type { Manifest } from "../durable/registry";
import type { Libraries, ScriptVersion } from "../sandbox";
import { registryOf, type Bindings } from "./env";

/**
 * The isolate's read-through cache of project manifests and script sources. Hot paths (every hook call) read
 * here instead of asking the project's Durable Object each time.
 *
 * A manifest is fresh for MANIFEST_TTL_MS. After that, a caller that can run work in the background (a hook
 * call) is still served the cached manifest while one refresh runs, until MANIFEST_MAX_AGE_MS, which bounds how
 * long any isolate can serve an old version after an upload (the contract is 1 s); other callers, and all of
 * them past that age, wait for the Durable Object. Under load this keeps the refresh off every request's path:
 * with all requests waiting at each expiry, bench:hooks saw stalls of 0.4-1 s. Writes made through this isolate
 * drop its entry at once. Sources are keyed by content hash, immutable, so they never go stale: only the memory
 * bound evicts them.
 */
export const MANIFEST_TTL_MS = 500;
export const MANIFEST_MAX_AGE_MS = 900;
const MAX_SOURCE_CHARS = 32 * 1024 * 1024;

interface CachedManifest {
  readonly manifest: Manifest | undefined;
  readonly fetchedAt: number;
  refreshing: boolean;
}

const manifests = new Map<string, CachedManifest>();
/** Bumped when this isolate changes a project, so a fetch that started before the change is not cached. */
const generations = new Map<string, number>();
const sources = new Map<string, string>();
let sourceChars = 0;

/** Runs a promise past the end of the current request (ExecutionContext.waitUntil). */
export type Background = (work: Promise<unknown>) => void;

export async function manifestOf(env: Bindings, project: string, background?: Background): Promise<Manifest | undefined> {
  const now = Date.now();
  const hit = manifests.get(project);
  const age = hit === undefined ? Infinity : now - hit.fetchedAt;
  if (hit !== undefined && age < MANIFEST_TTL_MS) return hit.manifest;
  if (hit !== undefined && background !== undefined && age < MANIFEST_MAX_AGE_MS) {
    if (!hit.refreshing) {
      hit.refreshing = true;
      background(fetchManifest(env, project).catch(() => void (hit.refreshing = false)));
    }
    return hit.manifest;
  }
  return fetchManifest(env, project);
}

async function fetchManifest(env: Bindings, project: string): Promise<Manifest | undefined> {
  const fetchedAt = Date.now();
  const generation = generations.get(project) ?? 0;
  const manifest = await registryOf(env, project).manifest();
  const current = manifests.get(project);
  // An older fetch never replaces a newer one, nor outlives a change this isolate made meanwhile.
  if (generation === (generations.get(project) ?? 0) && (current === undefined || current.fetchedAt <= fetchedAt)) {
    manifests.set(project, { manifest, fetchedAt, refreshing: false });
  }
  return manifest;
}

/** Called after this isolate changed a project, so its own next request sees the change. */
export function forgetProject(project: string): void {
  manifests.delete(project);
  generations.set(project, (generations.get(project) ?? 0) + 1);
}

export interface LoadedScript {
  readonly script: ScriptVersion;
  readonly libraries: Libraries;
}

/** A manifest's lib/ scripts, sorted by path, worked out once per manifest rather than on every hook call. */
const librariesOf = new WeakMap<Manifest, { readonly entries: readonly [string, string][]; readonly fingerprint: string }>();

function libraryEntries(manifest: Manifest): { readonly entries: readonly [string, string][]; readonly fingerprint: string } {
  let libraries = librariesOf.get(manifest);
  if (libraries === undefined) {
    const entries = Object.entries(manifest.scripts)
      .filter(([path]) => path.startsWith("lib/"))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, script]): [string, string] => [path, script.sha256]);
    libraries = { entries, fingerprint: entries.map(([path, sha]) => `${path}@${sha}`).join(",") };
    librariesOf.set(manifest, libraries);
  }
  return libraries;
}

/**
 * A version of a script (the current one, unless `sha256` names another) with every lib/ script the manifest has
 * for it to import, or undefined if there is none.
 */
export async function loadScript(env: Bindings, manifest: Manifest, path: string, sha256 = manifest.scripts[path]?.sha256): Promise<LoadedScript | undefined> {
  if (sha256 === undefined) return undefined;
  const libs = libraryEntries(manifest);
  const missing = [sha256, ...libs.entries.map(([, sha]) => sha)].filter((sha) => !sources.has(sha));
  if (missing.length > 0) {
    const fetched = await registryOf(env, manifest.project).sources([...new Set(missing)]);
    for (const [sha, source] of Object.entries(fetched)) remember(sha, source);
  }
  const source = sources.get(sha256);
  if (source === undefined) return undefined;
  return {
    script: { path, sha256, source },
    libraries: { fingerprint: libs.fingerprint, sources: new Map(libs.entries.map(([libPath, sha]) => [libPath, sources.get(sha) ?? ""])) },
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

import { ScriptMissing } from "../engine/run-host";
import type { Libraries, ScriptVersion } from "../sandbox";
import type { ProjectRegistry } from "./project-registry";

/** The script versions a run started with: path → version and content hash. */
export type PinnedScripts = Readonly<Record<string, { readonly version: number; readonly sha256: string }>>;

/** Sources by content hash, shared by the runs of this isolate (immutable, so never stale; bounded in size). */
const sources = new Map<string, string>();
const MAX_SOURCE_CHARS = 32 * 1024 * 1024;
let sourceChars = 0;

function remember(sha: string, source: string): void {
  if (sourceChars + source.length > MAX_SOURCE_CHARS) {
    sources.clear();
    sourceChars = 0;
  }
  sources.set(sha, source);
  sourceChars += source.length;
}

/**
 * A run's pinned scripts, read from the project registry by content hash. A run's scripts never change, so each
 * path (with the `lib/` scripts it may import) is worked out once per run object.
 */
export class PinnedSources {
  private readonly loaded = new Map<string, { script: ScriptVersion; libraries: Libraries }>();

  constructor(
    private readonly registry: DurableObjectStub<ProjectRegistry>,
    readonly pinned: PinnedScripts,
  ) {}

  async load(path: string): Promise<{ script: ScriptVersion; libraries: Libraries }> {
    let loaded = this.loaded.get(path);
    if (loaded === undefined) {
      loaded = await this.loadPinned(path);
      this.loaded.set(path, loaded);
    }
    return loaded;
  }

  private async loadPinned(path: string): Promise<{ script: ScriptVersion; libraries: Libraries }> {
    const entry = this.pinned[path];
    if (entry === undefined) throw new ScriptMissing(path);
    const libs = Object.entries(this.pinned)
      .filter(([libPath]) => libPath.startsWith("lib/"))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const wanted = [entry.sha256, ...libs.map(([, lib]) => lib.sha256)];
    const found = new Map(wanted.flatMap((sha) => (sources.has(sha) ? [[sha, sources.get(sha)!] as const] : [])));
    const missing = wanted.filter((sha) => !found.has(sha));
    if (missing.length > 0) {
      const fetched = await this.registry.sources([...new Set(missing)]);
      for (const [sha, source] of Object.entries(fetched)) {
        found.set(sha, source);
        remember(sha, source);
      }
    }
    const source = found.get(entry.sha256);
    if (source === undefined) throw new ScriptMissing(path);
    return {
      script: { path, sha256: entry.sha256, source },
      libraries: {
        fingerprint: libs.map(([libPath, lib]) => `${libPath}@${lib.sha256}`).join(","),
        sources: new Map(libs.map(([libPath, lib]) => [libPath, found.get(lib.sha256) ?? ""])),
      },
    };
  }
}

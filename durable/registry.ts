import { DEFAULT_ROTATION_OVERLAP_SECONDS, newSigningSecret } from "../security/signed-links";
import type { ProjectSettings } from "./project-settings";

/** What a hot path needs to serve a project without asking its Durable Object again (cached per isolate). */
export interface Manifest {
  readonly project: string;
  /** Bumped by every change; an isolate's cache compares it. */
  readonly revision: number;
  readonly settings: ProjectSettings;
  readonly hookKeyHash: string;
  /** Current version of every script. */
  readonly scripts: Readonly<Record<string, { readonly version: number; readonly sha256: string }>>;
  /** When the scripts last changed (ISO 8601): Fireboom's health report `time`, stable per deployment. */
  readonly deployedAt: string;
  /** Signs the project's signed links (resume, task, callback and webhook URLs). */
  readonly signingSecret: string;
  /** The secrets a signed link may verify under now: the current one, then the previous one during its overlap. */
  readonly verifyingSecrets: readonly string[];
}

/** The secret a rotation replaced, still verifying links until `validUntil` (ms since the epoch). */
interface RetiredSecret {
  readonly secret: string;
  readonly validUntil: number;
}

export interface ScriptSummary {
  readonly path: string;
  readonly version: number;
  readonly sha256: string;
  readonly updatedAt: string;
}

export interface ScriptDetail {
  readonly path: string;
  readonly version: number;
  readonly sha256: string;
  readonly source: string;
  readonly versions: { readonly version: number; readonly sha256: string; readonly createdAt: string }[];
}

export type PutScriptResult = { readonly path: string; readonly version: number; readonly sha256: string; readonly created: boolean };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS script_versions (
  path TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (path, version)
);
CREATE INDEX IF NOT EXISTS script_versions_sha ON script_versions (sha256);
CREATE TABLE IF NOT EXISTS scripts (path TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL);
`;

/**
 * A project's registry: its keys, settings and versioned scripts. Talks to storage only through SqlStorage,
 * so the Durable Object around it stays a thin shell. Secrets are stored as SHA-256 hashes only.
 */
export class Registry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  get project(): string | undefined {
    return this.meta("project");
  }

  /** Creates the project with hashed keys; answers false if it already exists. */
  create(project: string, keyId: string, apiKeyHash: string, hookKeyHash: string): boolean {
    if (this.project !== undefined) return false;
    const now = new Date().toISOString();
    this.setMeta("project", project);
    this.setMeta("settings", "{}");
    this.setMeta("hook_key_hash", hookKeyHash);
    this.setMeta("revision", "1");
    this.setMeta("deployed_at", now);
    this.setMeta("signing_secret", newSigningSecret());
    this.sql.exec("INSERT INTO api_keys (id, hash, created_at) VALUES (?, ?, ?)", keyId, apiKeyHash, now);
    return true;
  }

  settings(): ProjectSettings {
    return JSON.parse(this.meta("settings") ?? "{}") as ProjectSettings;
  }

  updateSettings(patch: ProjectSettings): ProjectSettings {
    const current = this.settings();
    const next: ProjectSettings = {
      ...current,
      ...patch,
      fireboom: patch.fireboom === undefined ? current.fireboom : { ...current.fireboom, ...patch.fireboom },
      limits: patch.limits === undefined ? current.limits : { ...current.limits, ...patch.limits },
      workflows: patch.workflows === undefined ? current.workflows : { ...current.workflows, ...patch.workflows },
      signedLinks: patch.signedLinks === undefined ? current.signedLinks : { ...current.signedLinks, ...patch.signedLinks },
      invocations: patch.invocations === undefined ? current.invocations : { ...current.invocations, ...patch.invocations },
    };
    this.setMeta("settings", JSON.stringify(next));
    this.bump();
    return next;
  }

  /** Whether an API key with this id and hash is live. */
  verifyApiKey(keyId: string, hash: string): boolean {
    const row = this.sql.exec<{ hash: string }>("SELECT hash FROM api_keys WHERE id = ? AND revoked_at IS NULL", keyId).toArray()[0];
    return row !== undefined && row.hash === hash;
  }

  addApiKey(keyId: string, hash: string): void {
    this.sql.exec("INSERT INTO api_keys (id, hash, created_at) VALUES (?, ?, ?)", keyId, hash, new Date().toISOString());
  }

  /** Revokes a live key; answers false when there is none by that id. */
  revokeApiKey(keyId: string): boolean {
    return this.sql.exec("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", new Date().toISOString(), keyId).rowsWritten > 0;
  }

  rotateHookKey(hash: string): void {
    this.setMeta("hook_key_hash", hash);
    this.bump();
  }

  manifest(): Manifest | undefined {
    const project = this.project;
    if (project === undefined) return undefined;
    const scripts: Record<string, { version: number; sha256: string }> = {};
    for (const row of this.sql.exec<{ path: string; version: number; sha256: string }>(
      "SELECT s.path, s.version, v.sha256 FROM scripts s JOIN script_versions v ON v.path = s.path AND v.version = s.version",
    )) {
      scripts[row.path] = { version: row.version, sha256: row.sha256 };
    }
    return {
      project,
      revision: Number(this.meta("revision")),
      settings: this.settings(),
      hookKeyHash: this.meta("hook_key_hash") ?? "",
      scripts,
      deployedAt: this.meta("deployed_at") ?? new Date(0).toISOString(),
      signingSecret: this.signingSecret(),
      verifyingSecrets: this.verifyingSecrets(),
    };
  }

  /**
   * A new signing secret: links signed from now on use it, and links signed before keep verifying for the
   * settings' `signedLinks.rotationOverlapSeconds` (runs in flight sign their next links with the new secret, see
   * RunObject.linkSecret).
   */
  rotateSigningSecret(): { readonly rotatedAt: string; readonly previousValidUntil: string } {
    const now = Date.now();
    const overlapMs = (this.settings().signedLinks?.rotationOverlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS) * 1000;
    const retired: RetiredSecret = { secret: this.signingSecret(), validUntil: now + overlapMs };
    this.setMeta("previous_signing_secret", JSON.stringify(retired));
    this.setMeta("signing_secret", newSigningSecret());
    this.bump();
    return { rotatedAt: new Date(now).toISOString(), previousValidUntil: new Date(retired.validUntil).toISOString() };
  }

  private verifyingSecrets(): string[] {
    const retired = this.meta("previous_signing_secret");
    const previous = retired === undefined ? undefined : (JSON.parse(retired) as RetiredSecret);
    return previous !== undefined && Date.now() < previous.validUntil ? [this.signingSecret(), previous.secret] : [this.signingSecret()];
  }

  /** The project's signing secret; a project created before signed links existed gets one on first use. */
  signingSecret(): string {
    let secret = this.meta("signing_secret");
    if (secret === undefined) {
      secret = newSigningSecret();
      this.setMeta("signing_secret", secret);
    }
    return secret;
  }

  /** Stores a new version unless the bytes equal the current one, which keeps its version. */
  putScript(path: string, source: string, sha256: string): PutScriptResult {
    const current = this.current(path);
    if (current?.sha256 === sha256) return { path, version: current.version, sha256, created: false };
    const latest = this.sql.exec<{ latest: number | null }>("SELECT MAX(version) AS latest FROM script_versions WHERE path = ?", path).one().latest ?? 0;
    const version = latest + 1;
    const now = new Date().toISOString();
    this.sql.exec("INSERT INTO script_versions (path, version, sha256, source, created_at) VALUES (?, ?, ?, ?, ?)", path, version, sha256, source, now);
    this.setHead(path, version, now);
    return { path, version, sha256, created: true };
  }

  listScripts(): ScriptSummary[] {
    return this.sql
      .exec<{ path: string; version: number; sha256: string; updated_at: string }>(
        "SELECT s.path, s.version, v.sha256, s.updated_at FROM scripts s JOIN script_versions v ON v.path = s.path AND v.version = s.version ORDER BY s.path",
      )
      .toArray()
      .map((row) => ({ path: row.path, version: row.version, sha256: row.sha256, updatedAt: row.updated_at }));
  }

  /** The current version of a script, or an older one by number; undefined when either is missing. */
  getScript(path: string, version?: number): ScriptDetail | undefined {
    const head = this.current(path);
    if (head === undefined) return undefined;
    const wanted = version ?? head.version;
    const row = this.sql
      .exec<{ sha256: string; source: string }>("SELECT sha256, source FROM script_versions WHERE path = ? AND version = ?", path, wanted)
      .toArray()[0];
    if (row === undefined) return undefined;
    const versions = this.sql
      .exec<{ version: number; sha256: string; created_at: string }>(
        "SELECT version, sha256, created_at FROM script_versions WHERE path = ? ORDER BY version",
        path,
      )
      .toArray()
      .map((v) => ({ version: v.version, sha256: v.sha256, createdAt: v.created_at }));
    return { path, version: wanted, sha256: row.sha256, source: row.source, versions };
  }

  /** Sources by content hash, for an isolate's cache. */
  sources(sha256s: readonly string[]): Record<string, string> {
    const found: Record<string, string> = {};
    for (const sha of sha256s) {
      const row = this.sql.exec<{ source: string }>("SELECT source FROM script_versions WHERE sha256 = ? LIMIT 1", sha).toArray()[0];
      if (row !== undefined) found[sha] = row.source;
    }
    return found;
  }

  /** Removes the script from use; its versions stay as history, and a new upload continues their numbering. */
  deleteScript(path: string): boolean {
    const deleted = this.sql.exec("DELETE FROM scripts WHERE path = ?", path).rowsWritten > 0;
    if (deleted) this.deployed();
    return deleted;
  }

  /** Makes an older version current again; undefined when the script or that version does not exist. */
  rollback(path: string, version: number): PutScriptResult | undefined {
    if (this.current(path) === undefined) return undefined;
    const row = this.sql.exec<{ sha256: string }>("SELECT sha256 FROM script_versions WHERE path = ? AND version = ?", path, version).toArray()[0];
    if (row === undefined) return undefined;
    this.setHead(path, version, new Date().toISOString());
    return { path, version, sha256: row.sha256, created: false };
  }

  private current(path: string): { version: number; sha256: string } | undefined {
    return this.sql
      .exec<{ version: number; sha256: string }>(
        "SELECT s.version, v.sha256 FROM scripts s JOIN script_versions v ON v.path = s.path AND v.version = s.version WHERE s.path = ?",
        path,
      )
      .toArray()[0];
  }

  private setHead(path: string, version: number, now: string): void {
    this.sql.exec(
      "INSERT INTO scripts (path, version, updated_at) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
      path,
      version,
      now,
    );
    this.deployed();
  }

  private deployed(): void {
    this.setMeta("deployed_at", new Date().toISOString());
    this.bump();
  }

  private bump(): void {
    this.setMeta("revision", String(Number(this.meta("revision") ?? "0") + 1));
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }
}

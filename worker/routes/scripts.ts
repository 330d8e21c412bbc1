import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import { requireProject } from "../auth";
import { registryOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { forgetProject } from "../project-cache";
import { sandbox } from "../runtime";
import { ProjectName } from "../schemas/project-name";
import { ScriptPath } from "../schemas/script-path";
import { MAX_SCRIPT_BYTES, RollbackBody, VersionQuery } from "../schemas/scripts";
import { sha256Hex } from "../../security/secrets";

/** Mounted below /v1/projects, after authentication. */
export const scripts = new Hono<AppEnv>();

const ScriptParams = v.object({ project: ProjectName, path: ScriptPath });
const JAVASCRIPT_TYPES = ["application/javascript", "text/javascript", "application/ecmascript", "text/ecmascript"];

scripts.put(
  "/:project/scripts/:path{.+}",
  describeRoute({
    summary: "Upload a script (an ES module). It is compiled before anything is stored.",
    tags: ["scripts"],
    requestBody: { required: true, content: { "application/javascript": { schema: { type: "string", maxLength: MAX_SCRIPT_BYTES } } } },
  }),
  validator("param", ScriptParams, rejectInvalid),
  requireProject,
  bodyLimit({
    maxSize: MAX_SCRIPT_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `a script is at most ${MAX_SCRIPT_BYTES} bytes`);
    },
  }),
  async (c) => {
    const { project, path } = c.req.valid("param");
    const type = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!JAVASCRIPT_TYPES.includes(type)) {
      throw new ApiError(415, "unsupported_media_type", "upload a script with Content-Type: application/javascript");
    }
    const source = await c.req.text();
    const compiled = await sandbox.compile(path, source);
    if (!compiled.ok) {
      throw new ApiError(400, "compile_error", `${path}:${compiled.line}:${compiled.column}: ${compiled.message}`, { line: compiled.line, column: compiled.column });
    }
    const stored = await registryOf(c.env, project).putScript(path, source, await sha256Hex(source));
    if (stored === undefined) throw notFound(`project ${project} does not exist`);
    forgetProject(project);
    return c.json({ path: stored.path, version: stored.version, sha256: stored.sha256 }, stored.created ? 201 : 200);
  },
);

scripts.get(
  "/:project/scripts",
  describeRoute({ summary: "List the current version of every script", tags: ["scripts"] }),
  validator("param", v.object({ project: ProjectName }), rejectInvalid),
  requireProject,
  async (c) => c.json({ scripts: await registryOf(c.env, c.req.valid("param").project).listScripts() }),
);

scripts.get(
  "/:project/scripts/:path{.+}",
  describeRoute({ summary: "A script's source (current, or ?version=N) and its version history", tags: ["scripts"] }),
  validator("param", ScriptParams, rejectInvalid),
  validator("query", VersionQuery, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, path } = c.req.valid("param");
    const { version } = c.req.valid("query");
    const script = await registryOf(c.env, project).getScript(path, version);
    if (script === undefined) throw notFound(version === undefined ? `no script at ${path}` : `no version ${version} of ${path}`);
    return c.json(script);
  },
);

scripts.delete(
  "/:project/scripts/:path{.+}",
  describeRoute({ summary: "Remove a script (its history is kept)", tags: ["scripts"] }),
  validator("param", ScriptParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, path } = c.req.valid("param");
    if (!(await registryOf(c.env, project).deleteScript(path))) throw notFound(`no script at ${path}`);
    forgetProject(project);
    return c.json({ path, deleted: true });
  },
);

scripts.post(
  "/:project/rollback",
  describeRoute({ summary: "Make an older version of a script current again", tags: ["scripts"] }),
  validator("param", v.object({ project: ProjectName }), rejectInvalid),
  requireProject,
  validator("json", RollbackBody, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const { path, version } = c.req.valid("json");
    const result = await registryOf(c.env, project).rollback(path, version);
    if (result === undefined) throw notFound(`no version ${version} of ${path}`);
    forgetProject(project);
    return c.json({ path: result.path, version: result.version, sha256: result.sha256 });
  },
);

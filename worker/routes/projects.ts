import { Hono } from "hono";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import { authenticate, requireAdmin, requireProject } from "../auth";
import { registryOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { forgetProject } from "../project-cache";
import { ProjectParams } from "../schemas/project-name";
import { ProjectSettings } from "../../durable/project-settings";

export const fireboomBaseUrl = (origin: string, project: string, hookKey: string) => `${origin}/fireboom/${project}/${hookKey}`;

export const projects = new Hono<AppEnv>();

projects.use("*", authenticate);

projects.put(
  "/:project",
  describeRoute({ summary: "Create a project (admin). New: 201 with its keys, shown once. Existing: 200.", tags: ["projects"] }),
  requireAdmin,
  validator("param", ProjectParams, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const origin = new URL(c.req.url).origin;
    const created = await registryOf(c.env, project).create(project);
    forgetProject(project);
    if (created === undefined) return c.json({ project, fireboomBaseUrl: fireboomBaseUrl(origin, project, "{hookKey}") }, 200);
    return c.json({ project, apiKey: created.apiKey, hookKey: created.hookKey, fireboomBaseUrl: fireboomBaseUrl(origin, project, created.hookKey) }, 201);
  },
);

projects.get(
  "/:project",
  describeRoute({ summary: "A project's settings", tags: ["projects"] }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project } = c.req.valid("param");
    const manifest = await registryOf(c.env, project).manifest();
    if (manifest === undefined) throw notFound(`project ${project} does not exist`);
    return c.json({ project, settings: manifest.settings, scripts: Object.keys(manifest.scripts).length });
  },
);

projects.patch(
  "/:project",
  describeRoute({ summary: "Change a project's settings (Fireboom internal URL, limits, recorded hook calls, …)", tags: ["projects"] }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  validator("json", ProjectSettings, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const settings = await registryOf(c.env, project).updateSettings(c.req.valid("json"));
    if (settings === undefined) throw notFound(`project ${project} does not exist`);
    forgetProject(project);
    return c.json({ project, settings });
  },
);

projects.post(
  "/:project/keys",
  describeRoute({ summary: "Add an API key; it is shown once", tags: ["projects"] }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project } = c.req.valid("param");
    const key = await registryOf(c.env, project).addApiKey();
    if (key === undefined) throw notFound(`project ${project} does not exist`);
    return c.json(key, 201);
  },
);

projects.delete(
  "/:project/keys/:keyId",
  describeRoute({ summary: "Revoke an API key", tags: ["projects"] }),
  validator("param", v.object({ ...ProjectParams.entries, keyId: v.pipe(v.string(), v.maxLength(64)) }), rejectInvalid),
  requireProject,
  async (c) => {
    const { project, keyId } = c.req.valid("param");
    if (!(await registryOf(c.env, project).revokeApiKey(keyId))) throw notFound(`no live key ${keyId} in project ${project}`);
    return c.json({ keyId, revoked: true });
  },
);

projects.post(
  "/:project/signing-secret",
  describeRoute({
    summary: "Rotate the secret of the project's signed links; links signed before keep working for settings.signedLinks.rotationOverlapSeconds",
    tags: ["projects"],
  }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project } = c.req.valid("param");
    const rotated = await registryOf(c.env, project).rotateSigningSecret();
    if (rotated === undefined) throw notFound(`project ${project} does not exist`);
    forgetProject(project);
    return c.json(rotated, 201);
  },
);

projects.post(
  "/:project/hook-key",
  describeRoute({ summary: "Rotate the Fireboom hook key; the old one stops working", tags: ["projects"] }),
  validator("param", ProjectParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project } = c.req.valid("param");
    const hookKey = await registryOf(c.env, project).rotateHookKey();
    if (hookKey === undefined) throw new ApiError(404, "not_found", `project ${project} does not exist`);
    forgetProject(project);
    return c.json({ hookKey, fireboomBaseUrl: fireboomBaseUrl(new URL(c.req.url).origin, project, hookKey) }, 201);
  },
);

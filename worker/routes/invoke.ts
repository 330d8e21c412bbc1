import { Hono } from "hono";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import { resolveLimits } from "../../sandbox";
import { requireProject } from "../auth";
import type { AppEnv } from "../env";
import { notFound, rejectInvalid } from "../errors";
import { loadScript, manifestOf } from "../project-cache";
import { sandbox } from "../runtime";
import { ProjectName } from "../schemas/project-name";
import { InvokeBody } from "../schemas/scripts";

/** Mounted below /v1/projects, after authentication. */
export const invoke = new Hono<AppEnv>();

invoke.post(
  "/:project/invoke",
  describeRoute({
    summary: "Test-run one export of a script with JSON arguments; answers its result or coded error, logs and usage",
    tags: ["scripts"],
  }),
  validator("param", v.object({ project: ProjectName }), rejectInvalid),
  requireProject,
  validator("json", InvokeBody, rejectInvalid),
  async (c) => {
    const { project } = c.req.valid("param");
    const body = c.req.valid("json");
    const manifest = await manifestOf(c.env, project);
    const loaded = manifest && (await loadScript(c.env, manifest, body.path));
    if (manifest === undefined || loaded === undefined) throw notFound(`no script at ${body.path}`);
    const outcome = await sandbox.invoke({
      project,
      ...loaded,
      exportName: body.export,
      args: body.args,
      limits: resolveLimits(manifest.settings.limits),
      measureMemory: true,
    });
    return c.json(outcome);
  },
);

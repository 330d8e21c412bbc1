import { Hono } from "hono";
import { AUTHENTICATION_HOOKS, OPERATION_HOOKS, UPLOAD_HOOKS } from "../schemas/script-path";
import { failed, hookError, noScript, present, readPayload, type FireboomEnv } from "./http";
import {
  AuthenticationPayload,
  ConnectionInitPayload,
  OnRequestPayload,
  OnResponsePayload,
  OperationPayload,
  UploadPayload,
} from "./payloads";
import {
  authenticationReply,
  clientRequestHeaders,
  connectionInitReply,
  operationReply,
  transportReply,
  uploadReply,
  type AuthenticationHook,
  type OperationHook,
} from "./replies";
import { hookRun, operationHookRun, runHook } from "./run-hook";

/** Operation, global, authentication and upload hooks (fireboom-hooks.md §3.1-3.5), below /{project}/{hookKey}. */
export const hooks = new Hono<FireboomEnv>();

const includes = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

hooks.post("/operation/:rest{.+}", async (c) => {
  const segments = c.req.param("rest").split("/");
  const hook = segments.pop() ?? "";
  const opPath = segments.join("/");
  if (!includes(OPERATION_HOOKS, hook) || opPath === "") {
    return hookError(c, hook, 404, `no operation hook at ${c.req.param("rest")}: use /operation/{path}/{${OPERATION_HOOKS.join("|")}}`);
  }
  const path = `operation/${opPath}/${hook}`;
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const payload = await readPayload(c, OperationPayload, hook);
  if (!payload.ok) return payload.response;
  const run = await runHook(operationHookRun(c, path, opPath, payload.value));
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  const headers = clientRequestHeaders(payload.value.__wg.clientRequest?.headers, run.headerChanges);
  return c.json(operationReply(opPath, hook as OperationHook, run.outcome.result, headers));
});

const TRANSPORT_HOOKS = ["beforeOriginRequest", "onOriginRequest", "onOriginResponse", "afterOriginResponse"] as const;

hooks.post("/global/httpTransport/:hook", async (c) => {
  const hook = c.req.param("hook");
  if (!includes(TRANSPORT_HOOKS, hook)) return hookError(c, hook, 404, `no httpTransport hook named ${hook}: use one of ${TRANSPORT_HOOKS.join(", ")}`);
  const path = `global/${hook}`;
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const field = hook === "beforeOriginRequest" || hook === "onOriginRequest" ? "request" : "response";
  const payload = field === "request" ? await readPayload(c, OnRequestPayload, hook) : await readPayload(c, OnResponsePayload, hook);
  if (!payload.ok) return payload.response;
  const body = payload.value as OnRequestPayload & OnResponsePayload;
  const ctx = present({
    [field]: body[field],
    operationName: body.operationName,
    operationType: body.operationType,
    argsAllowList: body.argsAllowList,
    user: body.__wg?.user,
    clientRequest: body.__wg?.clientRequest,
  });
  const run = await runHook(hookRun(c, path, ctx, { user: body.__wg?.user, clientRequest: body.__wg?.clientRequest }));
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  return c.json(transportReply(body.operationName, hook, field, run.outcome.result));
});

hooks.post("/global/wsTransport/onConnectionInit", async (c) => {
  const hook = "onConnectionInit";
  const path = "global/onConnectionInit";
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const payload = await readPayload(c, ConnectionInitPayload, hook);
  if (!payload.ok) return payload.response;
  const { dataSourceId, request, __wg } = payload.value;
  const ctx = present({ dataSourceId, request, user: __wg?.user, clientRequest: __wg?.clientRequest });
  const run = await runHook(hookRun(c, path, ctx, { user: __wg?.user, clientRequest: __wg?.clientRequest }));
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  return c.json(connectionInitReply(run.outcome.result));
});

hooks.post("/authentication/:hook", async (c) => {
  const hook = c.req.param("hook");
  if (!includes(AUTHENTICATION_HOOKS, hook)) return hookError(c, hook, 404, `no authentication hook named ${hook}: use one of ${AUTHENTICATION_HOOKS.join(", ")}`);
  const path = `authentication/${hook}`;
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const payload = await readPayload(c, AuthenticationPayload, hook);
  if (!payload.ok) return payload.response;
  const { __wg, access_token, id_token } = payload.value;
  const ctx = present({ user: __wg.user, accessToken: access_token, idToken: id_token });
  const run = await runHook(hookRun(c, path, ctx, { user: __wg.user }));
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  return c.json(authenticationReply(hook as AuthenticationHook, run.outcome.result));
});

hooks.post("/upload/:provider/:profile/:hook", async (c) => {
  const { provider, profile, hook } = c.req.param();
  if (!includes(UPLOAD_HOOKS, hook)) return hookError(c, hook, 404, `no upload hook named ${hook}: use one of ${UPLOAD_HOOKS.join(", ")}`);
  const path = `upload/${provider}/${profile}/${hook}`;
  const manifest = c.get("manifest");
  if (manifest.scripts[path] === undefined) return noScript(c, hook, path);
  const payload = await readPayload(c, UploadPayload, hook);
  if (!payload.ok) return payload.response;
  const { __wg, file, meta, error } = payload.value;
  const ctx = present({ user: __wg?.user, file, meta, error });
  const run = await runHook(hookRun(c, path, ctx, { user: __wg?.user }));
  if (!run.found) return noScript(c, hook, path);
  if (!run.outcome.ok) return failed(c, hook, run.outcome);
  return c.json(uploadReply(hook as "preUpload" | "postUpload", run.outcome.result));
});

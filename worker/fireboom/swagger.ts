/**
 * `GET {fireboomBaseUrl}/hook.swagger.json`: the OpenAPI 3.0.1 document of the hook routes, shaped like the one
 * Fireboom generates (fireboom-hooks.md §5: every hook as POST with its payload and MiddlewareHookResponse),
 * without its quirks: `/gqls/{name}/graphql` has its own path, onConnectionInit its own payload, `/health` is GET
 * and each rewriting hook has its own response schema.
 */

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: "string" };
const num: Schema = { type: "integer" };
const bool: Schema = { type: "boolean" };
const anyJson: Schema = {};
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: "object",
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: true,
});

const HOOKS = [
  "mockResolve", "preResolve", "postResolve", "mutatingPreResolve", "mutatingPostResolve", "customResolve",
  "beforeOriginRequest", "onOriginRequest", "onOriginResponse", "afterOriginResponse", "onConnectionInit",
  "postAuthentication", "mutatingPostAuthentication", "revalidateAuthentication", "postLogout",
];

const SCHEMAS: Record<string, Schema> = {
  MiddlewareHook: { type: "string", enum: HOOKS },
  OperationTypeString: { type: "string", enum: ["query", "mutation", "subscription"] },
  RequestHeaders: { type: "object", additionalProperties: str },
  User_customClaims: { type: "object", additionalProperties: anyJson },
  User: obj({
    provider: str, providerId: str, userId: str, name: str, firstName: str, lastName: str, middleName: str, nickName: str,
    preferredUsername: str, profile: str, picture: str, website: str, email: str, emailVerified: bool, gender: str,
    birthDate: str, zoneInfo: str, locale: str, location: str, customClaims: ref("User_customClaims"),
    customAttributes: { type: "array", items: str }, roles: { type: "array", items: str, nullable: true }, etag: str,
    fromCookie: bool, accessToken: { type: "object" }, rawAccessToken: str, idToken: { type: "object" }, rawIdToken: str,
  }),
  WunderGraphRequest: obj({ method: str, requestURI: str, headers: ref("RequestHeaders"), body: anyJson, originBody: { type: "string", format: "byte" } }, ["method", "requestURI", "headers"]),
  WunderGraphResponse: obj(
    { statusCode: num, status: str, method: str, requestURI: str, headers: ref("RequestHeaders"), body: anyJson, originBody: { type: "string", format: "byte" } },
    ["statusCode", "status", "method", "requestURI", "headers"],
  ),
  BaseRequestBodyWg: obj({ user: ref("User"), clientRequest: ref("WunderGraphRequest") }),
  BaseRequestBody: obj({ __wg: ref("BaseRequestBodyWg") }),
  Location: obj({ line: num, column: num }),
  ErrorPath: { oneOf: [str, num] },
  RequestError: obj({ message: str, locations: { type: "array", items: ref("Location") }, path: { type: "array", items: ref("ErrorPath") } }, ["message"]),
  OperationHookPayload_response: obj({ data: anyJson, errors: { type: "array", items: ref("RequestError") } }),
  OperationHookPayload: obj(
    { __wg: ref("BaseRequestBodyWg"), input: { type: "object" }, response: ref("OperationHookPayload_response"), canceled: bool, cycleCounter: num },
    ["__wg", "cycleCounter"],
  ),
  MiddlewareHookResponse: obj({
    error: str, op: str, hook: ref("MiddlewareHook"), response: anyJson, input: anyJson,
    setClientRequestHeaders: ref("RequestHeaders"),
  }),
  OnRequestHookPayload: obj(
    { request: ref("WunderGraphRequest"), operationName: str, operationType: ref("OperationTypeString"), argsAllowList: { type: "array", items: str, nullable: true }, __wg: ref("BaseRequestBodyWg") },
    ["request", "operationName", "operationType"],
  ),
  OnRequestHookResponse: obj({ skip: bool, cancel: bool, request: ref("WunderGraphRequest") }, ["skip", "cancel"]),
  OnResponseHookPayload: obj(
    { response: ref("WunderGraphResponse"), operationName: str, operationType: ref("OperationTypeString"), __wg: ref("BaseRequestBodyWg") },
    ["response", "operationName", "operationType"],
  ),
  OnResponseHookResponse: obj({ skip: bool, cancel: bool, response: ref("WunderGraphResponse") }, ["skip", "cancel"]),
  OnWsConnectionInitHookPayload: obj({ dataSourceId: str, request: ref("WunderGraphRequest"), __wg: ref("BaseRequestBodyWg") }, ["dataSourceId", "request"]),
  OnWsConnectionInitHookResponse: obj({ payload: anyJson }),
  MutatingPostAuthenticationResponse: obj({ user: ref("User"), status: str, message: str }, ["status"]),
  AuthenticationHookPayload: obj({ __wg: ref("BaseRequestBodyWg"), access_token: { type: "object" }, id_token: { type: "object" } }, ["__wg"]),
  HookFile: obj({ name: str, size: num, type: str, provider: str }, ["name", "size", "type", "provider"]),
  UploadHookPayload_error: obj({ name: str, message: str }),
  UploadHookPayload: obj({ __wg: ref("BaseRequestBodyWg"), file: ref("HookFile"), meta: anyJson, error: ref("UploadHookPayload_error") }, ["file"]),
  UploadHookResponse: obj({ fileKey: str, error: str }),
  CustomizeHookPayload_variables: { type: "object", additionalProperties: anyJson },
  CustomizeHookPayload: obj({ query: str, variables: ref("CustomizeHookPayload_variables"), operationName: str, __wg: ref("BaseRequestBodyWg") }, ["query"]),
  CustomizeHookResponse: obj({ data: anyJson, errors: { type: "array", items: ref("RequestError") } }),
  HealthReport: obj({ customizes: { type: "array", items: str }, functions: { type: "array", items: str }, proxys: { type: "array", items: str }, time: { type: "string", format: "date-time" } }),
  Health: obj({ status: str, report: ref("HealthReport"), workdir: str }, ["status"]),
};

/** MiddlewareHookResponse with `response` narrowed to one schema. */
const middlewareWith = (response: Schema): Schema => ({ allOf: [ref("MiddlewareHookResponse"), obj({ response })] });

const jsonContent = (schema: Schema) => ({ "application/json": { schema } });

function hookPost(operationId: string, payload: Schema, reply: Schema, parameters: string[] = []) {
  return {
    post: {
      operationId,
      ...(parameters.length > 0 ? { parameters: parameters.map((name) => ({ name, in: "path", required: true, schema: str })) } : {}),
      requestBody: { required: true, content: jsonContent(payload) },
      responses: {
        "200": { description: "OK", content: jsonContent(reply) },
        "400": { description: "the payload does not fit the schema" },
        "404": { description: "no script for this hook" },
        "500": { description: "the script failed: {hook, error}" },
      },
    },
  };
}

export function hookSwagger(version: string) {
  const paths: Record<string, unknown> = {};
  for (const hook of ["preResolve", "postResolve", "mockResolve", "customResolve", "mutatingPreResolve", "mutatingPostResolve"]) {
    paths[`/operation/{path}/${hook}`] = hookPost(hook, ref("OperationHookPayload"), ref("MiddlewareHookResponse"), ["path"]);
  }
  for (const hook of ["beforeOriginRequest", "onOriginRequest"]) {
    paths[`/global/httpTransport/${hook}`] = hookPost(hook, ref("OnRequestHookPayload"), middlewareWith(ref("OnRequestHookResponse")));
  }
  for (const hook of ["onOriginResponse", "afterOriginResponse"]) {
    paths[`/global/httpTransport/${hook}`] = hookPost(hook, ref("OnResponseHookPayload"), middlewareWith(ref("OnResponseHookResponse")));
  }
  paths["/global/wsTransport/onConnectionInit"] = hookPost("onConnectionInit", ref("OnWsConnectionInitHookPayload"), middlewareWith(ref("OnWsConnectionInitHookResponse")));
  for (const hook of ["postAuthentication", "postLogout"]) {
    paths[`/authentication/${hook}`] = hookPost(hook, ref("AuthenticationHookPayload"), ref("MiddlewareHookResponse"));
  }
  for (const hook of ["mutatingPostAuthentication", "revalidateAuthentication"]) {
    paths[`/authentication/${hook}`] = hookPost(hook, ref("AuthenticationHookPayload"), middlewareWith(ref("MutatingPostAuthenticationResponse")));
  }
  for (const hook of ["preUpload", "postUpload"]) {
    paths[`/upload/{provider}/{profile}/${hook}`] = hookPost(hook, ref("UploadHookPayload"), ref("UploadHookResponse"), ["provider", "profile"]);
  }
  paths["/function/{path}"] = hookPost("function", ref("OperationHookPayload"), ref("MiddlewareHookResponse"), ["path"]);
  paths["/proxy/{path}"] = hookPost("proxy", ref("OnRequestHookPayload"), middlewareWith(ref("OnResponseHookResponse")), ["path"]);
  const gql = hookPost("customize", ref("CustomizeHookPayload"), ref("CustomizeHookResponse"), ["name"]);
  paths["/gqls/{name}/graphql"] = {
    ...gql,
    get: {
      operationId: "customizeSubscription",
      parameters: [
        { name: "name", in: "path", required: true, schema: str },
        { name: "query", in: "query", required: true, schema: str },
        { name: "variables", in: "query", required: false, schema: str },
        { name: "operationName", in: "query", required: false, schema: str },
      ],
      responses: { "200": { description: "graphql-sse: `data: {…}` events, then `event: complete`", content: { "text/event-stream": { schema: str } } } },
    },
  };
  paths["/health"] = {
    get: { operationId: "health", responses: { "200": { description: "OK", content: jsonContent(ref("Health")) } } },
  };
  return {
    openapi: "3.0.1",
    info: { title: "Fireboom Hook swagger3.0", version, description: "The hook routes hookflow serves for Fireboom, below fireboomBaseUrl" },
    paths,
    components: { schemas: SCHEMAS },
  };
}

import * as v from "valibot";

/**
 * Loose schemas of the JSON bodies Fireboom sends to each hook route (fireboom-hooks.md §3): the fields the
 * Go caller always sends must be there with the right type; anything else passes through untouched.
 */

const HeaderMap = v.record(v.string(), v.string());
const JsonObject = v.record(v.string(), v.unknown());
/** Go's authentication.User: every field is optional, so any object passes. */
const User = v.looseObject({});

const ClientRequest = v.looseObject({ method: v.string(), requestURI: v.string(), headers: HeaderMap });

const Wg = v.looseObject({ user: v.optional(User), clientRequest: v.optional(ClientRequest) });

export const OperationPayload = v.looseObject({
  __wg: Wg,
  input: v.optional(v.nullable(JsonObject)),
  response: v.optional(v.unknown()),
  canceled: v.optional(v.boolean()),
  cycleCounter: v.number(),
});
export type OperationPayload = v.InferOutput<typeof OperationPayload>;

const WunderGraphRequest = v.looseObject({
  method: v.string(),
  requestURI: v.string(),
  headers: HeaderMap,
  body: v.optional(v.unknown()),
  originBody: v.optional(v.nullable(v.string())),
});

const WunderGraphResponse = v.looseObject({
  statusCode: v.number(),
  status: v.string(),
  method: v.string(),
  requestURI: v.string(),
  headers: HeaderMap,
  body: v.optional(v.unknown()),
  originBody: v.optional(v.nullable(v.string())),
});

const transportFields = {
  operationName: v.string(),
  operationType: v.string(),
  argsAllowList: v.optional(v.nullable(v.array(v.string()))),
  __wg: v.optional(Wg),
};

export const OnRequestPayload = v.looseObject({ request: WunderGraphRequest, ...transportFields });
export type OnRequestPayload = v.InferOutput<typeof OnRequestPayload>;

export const OnResponsePayload = v.looseObject({ response: WunderGraphResponse, ...transportFields });
export type OnResponsePayload = v.InferOutput<typeof OnResponsePayload>;

export const ConnectionInitPayload = v.looseObject({ dataSourceId: v.string(), request: WunderGraphRequest, __wg: v.optional(Wg) });
export type ConnectionInitPayload = v.InferOutput<typeof ConnectionInitPayload>;

export const AuthenticationPayload = v.looseObject({
  __wg: v.looseObject({ user: User }),
  access_token: v.optional(v.nullable(JsonObject)),
  id_token: v.optional(v.nullable(JsonObject)),
});
export type AuthenticationPayload = v.InferOutput<typeof AuthenticationPayload>;

export const UploadPayload = v.looseObject({
  __wg: v.optional(Wg),
  file: v.looseObject({ name: v.string(), size: v.number(), type: v.string(), provider: v.string() }),
  meta: v.optional(v.unknown()),
  error: v.optional(v.nullable(v.looseObject({ name: v.optional(v.string()), message: v.string() }))),
});
export type UploadPayload = v.InferOutput<typeof UploadPayload>;

/** Functions get the same body as operation hooks. */
export const FunctionPayload = OperationPayload;

/** The GraphQL body of a customized data source; its `__wg.clientRequest` has only `headers`. */
export const CustomizePayload = v.looseObject({
  query: v.string(),
  variables: v.optional(v.nullable(JsonObject)),
  operationName: v.optional(v.nullable(v.string())),
  __wg: v.optional(v.looseObject({ user: v.optional(User), clientRequest: v.optional(v.looseObject({ headers: v.optional(HeaderMap) })) })),
});
export type CustomizePayload = v.InferOutput<typeof CustomizePayload>;

/** Why a payload does not fit its schema, as one line. */
export function payloadProblem(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? []).map((item) => String(item.key)).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

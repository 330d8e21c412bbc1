/**
 * Types for hookflow's Fireboom hook scripts (`import type { … } from "hookflow/fireboom"`).
 *
 * A script is one ES module uploaded to `PUT /v1/projects/{p}/scripts/{path}`; its default export is the
 * handler below for its path. Every `ctx` is deeply read-only (assigning to it throws `TypeError`) and a
 * handler may be async. Throwing fails the hook: hookflow answers Fireboom with HTTP 500 and the message.
 *
 * Field names are exactly those of Fireboom's JSON (see docs/hooks.md and the Fireboom hook protocol).
 */

// ---------------------------------------------------------------------------------------------------------
// Plain data
// ---------------------------------------------------------------------------------------------------------

/** Any JSON value (arrays typed read-only so that values read from `ctx` can be returned as they are). */
export type JSONValue = string | number | boolean | null | readonly JSONValue[] | { readonly [key: string]: JSONValue };
/** A JSON object. */
export type JSONObject = { [key: string]: JSONValue };

/** Header map as Fireboom sends it: canonical header name → value (several values joined with `,`). */
export type HeaderMap = Record<string, string>;

/** The authenticated user (Go `authentication.User`). Every field but `roles` is omitted when empty. */
export interface User {
  provider?: string;
  providerId?: string;
  userId?: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  middleName?: string;
  nickName?: string;
  preferredUsername?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  emailVerified?: boolean;
  gender?: string;
  birthDate?: string;
  zoneInfo?: string;
  locale?: string;
  location?: string;
  customClaims?: Record<string, JSONValue>;
  customAttributes?: readonly string[];
  /** Always sent by Fireboom, possibly `null`; optional here so hooks can build users without it. */
  roles?: readonly string[] | null;
  etag?: string;
  /** True for a user restored from the session cookie (it then has no tokens). */
  fromCookie?: boolean;
  /** Decoded access-token claims. */
  accessToken?: Record<string, JSONValue>;
  rawAccessToken?: string;
  /** Decoded id-token claims. */
  idToken?: Record<string, JSONValue>;
  rawIdToken?: string;
}

/** The client's call to Fireboom (no body), e.g. `{method: "GET", requestURI: "/operations/Todo/GetOne?id=1"}`. */
export interface ClientRequest {
  method: string;
  /** Path and query of the client call. */
  requestURI: string;
  headers: HeaderMap;
}

/** An HTTP request seen by the global `httpTransport` hooks (`WunderGraphRequest`). */
export interface WunderGraphRequest {
  method: string;
  /** `/operations/…` for beforeOriginRequest; the absolute upstream URL for onOriginRequest. */
  requestURI: string;
  /** Replaces the header set entirely when returned. */
  headers: HeaderMap;
  /** The JSON body (onOriginRequest). */
  body?: JSONValue;
  /** The raw body, standard padded base64 (beforeOriginRequest). */
  originBody?: string;
}

/** An HTTP response seen by the global `httpTransport` hooks (`WunderGraphResponse`). */
export interface WunderGraphResponse {
  statusCode: number;
  /** e.g. `"200 OK"` (onOriginResponse) or `"OK"` (afterOriginResponse); ignored when returned. */
  status: string;
  method: string;
  requestURI: string;
  headers: HeaderMap;
  /** The JSON body (onOriginResponse). */
  body?: JSONValue;
  /** The raw body, standard padded base64 (afterOriginResponse). */
  originBody?: string;
}

/** One GraphQL error. */
export interface GraphQLError {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: Record<string, JSONValue>;
}

/** An operation's response body: `{data, errors}`. */
export interface GraphQLResponse<Data = any> {
  data?: Data;
  errors?: readonly GraphQLError[];
}

/** `ctx.log`: lines go to hookflow's logs (and to `logs` of `POST /invoke`). */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Describes the operations an {@link InternalClient} can call: `"Path/Name" → {input, data}`. */
export type OperationsMap = Record<string, { input?: unknown; data?: unknown }>;

/**
 * `ctx.internalClient`: calls the project's Fireboom internal API (`POST {fireboom.internalUrl}/internal/operations/{path}`)
 * with the current user and client request, and resolves to the operation's JSON answer.
 * Example: `await ctx.internalClient.operations["Todo/GetOne"]({ id: 1 })` → `{data: {…}}`.
 */
export interface InternalClient<Ops extends OperationsMap = OperationsMap> {
  readonly operations: {
    readonly [P in keyof Ops]: (input?: Ops[P]["input"]) => Promise<GraphQLResponse<Ops[P]["data"]>>;
  };
  /** Same as `operations[path](input)`. */
  query<Data = any>(path: string, input?: unknown): Promise<GraphQLResponse<Data>>;
  /** Same as `operations[path](input)`. */
  mutate<Data = any>(path: string, input?: unknown): Promise<GraphQLResponse<Data>>;
}

/** What hookflow adds to every `ctx`. */
export interface HookTools {
  readonly log: Logger;
  readonly internalClient: InternalClient;
}

/** Added to the `ctx` of operation hooks and functions. */
export interface ClientRequestHeaderTools {
  /**
   * Sets (or with `null` removes) a header of the client request: Fireboom forwards the changed set upstream
   * and later hooks see it in `clientRequest.headers`.
   */
  setClientRequestHeader(name: string, value: string | null): void;
}

/** Deeply read-only view of what the host passes in. */
export type DeepReadonly<T> = [JSONValue] extends [T]
  ? T // JSONValue (or wider) is read-only already
  : T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends Function
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** A value or a promise of it: every handler may be async. */
export type MaybePromise<T> = T | Promise<T>;

// ---------------------------------------------------------------------------------------------------------
// Operation hooks: operation/{path}/{hook}
// ---------------------------------------------------------------------------------------------------------

/** `ctx` of every operation hook (`operation/{path}/{preResolve|mutatingPreResolve|mockResolve|customResolve|postResolve|mutatingPostResolve}`). */
export type OperationHookContext<Input = JSONObject, Response = GraphQLResponse> = DeepReadonly<{
  /** Present when the request is authenticated. */
  user?: User;
  clientRequest: ClientRequest;
  /** The operation's variables (`{}` when Fireboom sent none). */
  input: Input;
  /** The resolved body: postResolve and mutatingPostResolve only (absent on subscription teardown). */
  response?: Response;
  /** `path` = `Todo/CreateOne` (as in the script path); `name` = Fireboom's operation name. */
  operation: { path: string; name: string };
  /** Recursion depth of internal calls (1 for a client call). */
  cycleCounter: number;
  /** `true` when a subscription's client went away (post hooks get one last call, without `response`). */
  canceled?: boolean;
}> & HookTools & ClientRequestHeaderTools;

/** preResolve / postResolve: return value ignored; throw to fail the operation. */
export type PreResolveHookResult = void;
export type PostResolveHookResult = void;
/** mutatingPreResolve: the complete new input (required: it replaces the variables). */
export type MutatingPreResolveHookResult<Input = JSONObject> = Input;
/** mockResolve: the full response body, e.g. `{data}`; the engine is skipped. */
export type MockResolveHookResult<Response = GraphQLResponse> = Response;
/** customResolve: `null`/`undefined` to continue with normal resolution, else the response body. */
export type CustomResolveHookResult<Response = GraphQLResponse> = Response | null | undefined;
/** mutatingPostResolve: the complete new response body (required). */
export type MutatingPostResolveHookResult<Response = GraphQLResponse> = Response;

export type PreResolveHook<Input = JSONObject> = (ctx: OperationHookContext<Input, never>) => MaybePromise<PreResolveHookResult>;
export type MutatingPreResolveHook<Input = JSONObject> = (ctx: OperationHookContext<Input, never>) => MaybePromise<MutatingPreResolveHookResult<Input>>;
export type MockResolveHook<Input = JSONObject, Response = GraphQLResponse> = (ctx: OperationHookContext<Input, never>) => MaybePromise<MockResolveHookResult<Response>>;
export type CustomResolveHook<Input = JSONObject, Response = GraphQLResponse> = (ctx: OperationHookContext<Input, never>) => MaybePromise<CustomResolveHookResult<Response>>;
export type PostResolveHook<Input = JSONObject, Response = GraphQLResponse> = (ctx: OperationHookContext<Input, Response>) => MaybePromise<PostResolveHookResult>;
export type MutatingPostResolveHook<Input = JSONObject, Response = GraphQLResponse> = (ctx: OperationHookContext<Input, Response>) => MaybePromise<MutatingPostResolveHookResult<Response>>;

// ---------------------------------------------------------------------------------------------------------
// Global hooks: global/{hook}
// ---------------------------------------------------------------------------------------------------------

/** Fireboom's operation type as the global hooks receive it. */
export type OperationType = "query" | "mutation" | "subscription";

/** `ctx` of `global/beforeOriginRequest` and `global/onOriginRequest`. */
export type GlobalRequestHookContext = DeepReadonly<{
  request: WunderGraphRequest;
  /** The operation path with `/` replaced by `__`, e.g. `Todo__CreateOne`. */
  operationName: string;
  operationType: OperationType;
  /** The operation's variable names. */
  argsAllowList?: string[] | null;
  user?: User;
  /** Present for onOriginRequest inside an operation; never for beforeOriginRequest. */
  clientRequest?: ClientRequest;
}> & HookTools;

/** `ctx` of `global/onOriginResponse` and `global/afterOriginResponse`. */
export type GlobalResponseHookContext = DeepReadonly<{
  response: WunderGraphResponse;
  operationName: string;
  operationType: OperationType;
  user?: User;
  /** Present for onOriginResponse; never for afterOriginResponse. */
  clientRequest?: ClientRequest;
}> & HookTools;

/** `undefined` or `{skip: true}` = unchanged; `{cancel: true}` = fail the request; else the replacement request. */
export type OnRequestHookResult = undefined | void | { skip: true } | { cancel: true } | WunderGraphRequest;
/** `undefined` or `{skip: true}` = unchanged; `{cancel: true}` = fail; else the replacement response. */
export type OnResponseHookResult = undefined | void | { skip: true } | { cancel: true } | WunderGraphResponse;

export type OnRequestHook = (ctx: GlobalRequestHookContext) => MaybePromise<OnRequestHookResult>;
export type OnResponseHook = (ctx: GlobalResponseHookContext) => MaybePromise<OnResponseHookResult>;

/** `ctx` of `global/onConnectionInit` (graphql-ws upstream connection of a GraphQL data source). */
export type OnConnectionInitHookContext = DeepReadonly<{
  dataSourceId: string;
  /** `method` is `""`, `requestURI` the upstream ws(s) URL. */
  request: WunderGraphRequest;
  user?: User;
  clientRequest?: ClientRequest;
}> & HookTools;
/** The graphql-ws `connection_init` payload. */
export type OnConnectionInitHookResult = JSONValue;
export type OnConnectionInitHook = (ctx: OnConnectionInitHookContext) => MaybePromise<OnConnectionInitHookResult>;

// ---------------------------------------------------------------------------------------------------------
// Authentication hooks: authentication/{hook}
// ---------------------------------------------------------------------------------------------------------

/** `ctx` of every authentication hook (no client request). */
export type AuthenticationHookContext = DeepReadonly<{
  user: User;
  /** Decoded access-token claims, when Fireboom sent them. */
  accessToken?: Record<string, JSONValue>;
  /** Decoded id-token claims, when Fireboom sent them. */
  idToken?: Record<string, JSONValue>;
}> & HookTools;

/** mutatingPostAuthentication / revalidateAuthentication: allow with the (new) user, or deny with a message. */
export type AuthenticationHookResult = { status: "ok"; user: User } | { status: "deny"; message: string };

/** postAuthentication / postLogout: return value ignored; throw to fail. */
export type PostAuthenticationHook = (ctx: AuthenticationHookContext) => MaybePromise<void>;
export type PostLogoutHook = (ctx: AuthenticationHookContext) => MaybePromise<void>;
export type MutatingPostAuthenticationHook = (ctx: AuthenticationHookContext) => MaybePromise<AuthenticationHookResult>;
export type RevalidateAuthenticationHook = (ctx: AuthenticationHookContext) => MaybePromise<AuthenticationHookResult>;

// ---------------------------------------------------------------------------------------------------------
// Upload hooks: upload/{provider}/{profile}/{preUpload|postUpload}
// ---------------------------------------------------------------------------------------------------------

/** The uploaded file (one hook call per file). */
export interface UploadFile {
  /** preUpload: the original file name; postUpload: the stored object key. */
  name: string;
  /** Bytes; `-1` when unknown (failed upload). */
  size: number;
  /** The part's Content-Type. */
  type: string;
  /** The storage name (`{provider}` of the script path). */
  provider: string;
}

/** `ctx` of preUpload and postUpload. */
export type UploadHookContext<Meta = JSONValue> = DeepReadonly<{
  user?: User;
  file: UploadFile;
  /** The client's `X-Metadata` header, parsed. */
  meta?: Meta;
  /** postUpload only, when storing failed. */
  error?: { name: string; message: string };
}> & HookTools;

/** preUpload: a non-empty `fileKey` becomes the object key; throw to reject the file. */
export type PreUploadHookResult = undefined | void | { fileKey?: string };
/** postUpload: return value ignored; throwing only logs a failure in Fireboom. */
export type PostUploadHookResult = void;
export type PreUploadHook<Meta = JSONValue> = (ctx: UploadHookContext<Meta>) => MaybePromise<PreUploadHookResult>;
export type PostUploadHook<Meta = JSONValue> = (ctx: UploadHookContext<Meta>) => MaybePromise<PostUploadHookResult>;

// ---------------------------------------------------------------------------------------------------------
// Functions, proxies, customized GraphQL
// ---------------------------------------------------------------------------------------------------------

/** `ctx` of `function/{name}`. */
export type FunctionContext<Input = JSONObject> = DeepReadonly<{
  user?: User;
  clientRequest: ClientRequest;
  input: Input;
  /** `path` = `function/hello`; `name` = `function__hello`. */
  operation: { path: string; name: string };
  /** Recursion depth of internal calls (1 for a client call). */
  cycleCounter: number;
}> & HookTools & ClientRequestHeaderTools;

/** A function answers the response body; a subscription function answers an async iterable (e.g. an async generator) of bodies. */
export type FunctionResult<Data = any> = GraphQLResponse<Data> | AsyncIterable<GraphQLResponse<Data>>;
export type FunctionHook<Input = JSONObject, Data = any> = (ctx: FunctionContext<Input>) => MaybePromise<GraphQLResponse<Data>> | AsyncIterable<GraphQLResponse<Data>>;

/** `ctx` of `proxy/{name}`: the client's request to `/operations/proxy/{name}`. */
export type ProxyContext = DeepReadonly<{
  request: {
    method: string;
    requestURI: string;
    headers: HeaderMap;
    /** The raw body as text (hookflow decodes Fireboom's base64 `originBody`); absent when empty. */
    body?: string;
  };
  /** `proxy__{name}`. */
  operationName: string;
  /** Upper case here: `QUERY`, `MUTATION` or `SUBSCRIPTION`. */
  operationType: string;
  user?: User;
}> & HookTools;

/** What the proxy answers the client; `body` is text (hookflow base64-encodes it for Fireboom). */
export interface ProxyResult {
  statusCode: number;
  /** Note: Fireboom writes these after the status line, so clients may not see them. */
  headers?: HeaderMap;
  body?: string;
}
/** `{cancel: true}` makes Fireboom answer the client 400 `canceled`. */
export type ProxyHookResult = ProxyResult | { cancel: true };
export type ProxyHook = (ctx: ProxyContext) => MaybePromise<ProxyHookResult>;

/**
 * `ctx` of `customize/{name}`: one GraphQL request to the customized data source `/gqls/{name}/graphql`.
 * hookflow has no GraphQL executor: the script answers the request itself.
 */
export type CustomizeContext = DeepReadonly<{
  query: string;
  variables: JSONObject;
  operationName?: string;
  /** Absent for subscriptions (SSE GET carries no body). */
  user?: User;
  /** Only headers are forwarded by Fireboom here. */
  clientRequest?: { headers: HeaderMap };
}> & HookTools;
/** A GraphQL response, or an async iterable of them for a subscription (sent as SSE `data:` events). */
export type CustomizeResult<Data = any> = GraphQLResponse<Data> | AsyncIterable<GraphQLResponse<Data>>;
export type CustomizeHook<Data = any> = (ctx: CustomizeContext) => MaybePromise<GraphQLResponse<Data>> | AsyncIterable<GraphQLResponse<Data>>;

// ---------------------------------------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------------------------------------

/**
 * `export const permissions = { net: ["api.example.com"] }`: the hosts this script's `fetch` may reach.
 * Any other host rejects with a `PermissionDenied` error naming it.
 */
export interface Permissions {
  net?: string[];
}

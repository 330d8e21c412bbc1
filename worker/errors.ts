import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { Hook } from "@hono/standard-validator";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the client caused or must know about; always answered as `{"error": {code, message, ...details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new ApiError(404, "not_found", message);

export function errorResponse(c: Context, error: ApiError): Response {
  return c.json({ error: { code: error.code, message: error.message, ...error.details } }, error.status);
}

const CODES_BY_STATUS: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

export const onError: ErrorHandler = (error, c) => {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return errorResponse(c, new ApiError(status, CODES_BY_STATUS[status] ?? "http_error", error.message || "request rejected"));
  }
  console.error("unhandled error", error);
  return errorResponse(c, new ApiError(500, "internal_error", "hookflow failed to handle the request; nothing was changed"));
};

export const onNotFound: NotFoundHandler = (c) => errorResponse(c, notFound(`no route for ${c.req.method} ${new URL(c.req.url).pathname}`));

/** Validation hook shared by every validator: 400 with each failing path. */
export const rejectInvalid: Hook<unknown, AppEnv, string> = (result, c) => {
  if (result.success) return;
  const issues = result.error.map((issue) => ({
    path: (issue.path ?? []).map((p) => (typeof p === "object" ? String(p.key) : String(p))).join("."),
    message: issue.message,
  }));
  const where = result.target === "json" ? "body" : result.target;
  return errorResponse(c, new ApiError(400, "invalid_request", `invalid ${where}: ${issues.map((i) => (i.path ? `${i.path}: ` : "") + i.message).join("; ")}`, { issues }));
};

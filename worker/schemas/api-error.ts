import { toJsonSchema } from "@valibot/to-json-schema";
import type { OpenAPIV3_1 } from "openapi-types";
import * as v from "valibot";

/** Every 4xx answer: what went wrong, in a stable code and a sentence; details (issues, line, column) beside. */
export const ApiErrorBody = v.object({
  error: v.looseObject({ code: v.string(), message: v.string() }),
});

/** The OpenAPI response object for validation failures, so /openapi.json documents our error shape. */
export const API_ERROR_RESPONSE: OpenAPIV3_1.ResponseObject = {
  description: "The request was rejected and changed nothing",
  content: { "application/json": { schema: toJsonSchema(ApiErrorBody) as OpenAPIV3_1.SchemaObject } },
};

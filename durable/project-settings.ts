import * as v from "valibot";
import { MAX_LIMITS } from "../sandbox/limits";

const limit = (max: number, min = 1) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)));

export const LimitsSettings = v.strictObject({
  cpuMs: limit(MAX_LIMITS.cpuMs),
  wallMs: limit(MAX_LIMITS.wallMs),
  memoryBytes: limit(MAX_LIMITS.memoryBytes, 1024 * 1024),
  stackBytes: limit(MAX_LIMITS.stackBytes, 64 * 1024),
  resultBytes: limit(MAX_LIMITS.resultBytes),
  logBytes: limit(MAX_LIMITS.logBytes),
});

export const FireboomSettings = v.strictObject({
  /** Fireboom's FB_API_INTERNAL_URL, for ctx.internalClient. */
  internalUrl: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, "internalUrl must be an http(s) URL"))),
});

/** A host name, or `*.` and a domain for its subdomains. */
const HostPattern = v.pipe(v.string(), v.regex(/^(\*\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/i, "hosts are names like api.example.com or *.example.com, with an optional :port"));

export const WorkflowSettings = v.strictObject({
  /** `$env` of NocoBase workflows. */
  env: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "env names are identifiers")), v.string())),
  /** WORKFLOW_LOOP_LIMIT: a loop ends as ERROR once it has done this many iterations (0 = no limit). */
  loopLimit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000))),
  /** The hosts the `request` node may reach; absent = any public host. */
  requestHosts: v.optional(v.array(HostPattern)),
  /** Lets the `request` node reach loopback and private addresses (refused by default, as SSRF protection). */
  allowPrivateNetwork: v.optional(v.boolean()),
});

export const SignedLinkSettings = v.strictObject({
  /** How long links signed before a rotation of the signing secret keep working (0 = they stop at once). */
  rotationOverlapSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(90 * 24 * 3600))),
});

/** The most recorded hook calls a project may keep (invocations.keep). */
export const MAX_INVOCATIONS_KEPT = 10_000;

export const InvocationSettings = v.strictObject({
  /** The share of successful hook calls recorded (failed ones always are); 0 records none. */
  sampleRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  /** How many recorded calls the project keeps; the oldest go first. */
  keep: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_INVOCATIONS_KEPT))),
});

export const ProjectSettings = v.strictObject({
  fireboom: v.optional(FireboomSettings),
  limits: v.optional(LimitsSettings),
  /** The origin (scheme, host, port) that signed URLs carry, e.g. the public address behind a proxy. */
  publicOrigin: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\/[^/]+$/, "publicOrigin is a scheme and host, with no path"))),
  workflows: v.optional(WorkflowSettings),
  signedLinks: v.optional(SignedLinkSettings),
  invocations: v.optional(InvocationSettings),
});

export type ProjectSettings = v.InferOutput<typeof ProjectSettings>;

import { Hono } from "hono";
import { describeRoute, validator } from "hono-openapi";
import * as v from "valibot";
import { subscriptionPolicy } from "../../durable/event-delivery";
import type { Subscription } from "../../durable/subscriptions";
import { OutboundError } from "../../net/outbound";
import { checkedUrl } from "../../net/outbound-policy";
import { requireProject } from "../auth";
import { registryOf, type AppEnv } from "../env";
import { ApiError, notFound, rejectInvalid } from "../errors";
import { manifestOf } from "../project-cache";
import { ProjectName } from "../schemas/project-name";
import { SubscriptionBody, SubscriptionParams } from "../schemas/subscriptions";

/** Mounted below /v1/projects, after authentication (api.md "Events out"). */
export const subscriptions = new Hono<AppEnv>();

const TAGS = ["subscriptions"];

/** A subscription as GET answers it: the secret is only ever shown by PUT. */
const view = ({ name, url, events, createdAt, updatedAt }: Subscription) => ({
  name,
  url,
  events,
  createdAt: new Date(createdAt).toISOString(),
  updatedAt: new Date(updatedAt).toISOString(),
});

subscriptions.put(
  "/:project/subscriptions/:name",
  describeRoute({
    summary: "Create (201) or update (200) a webhook subscription to the project's run events; answers its signing secret",
    tags: TAGS,
  }),
  validator("param", SubscriptionParams, rejectInvalid),
  requireProject,
  validator("json", SubscriptionBody, rejectInvalid),
  async (c) => {
    const { project, name } = c.req.valid("param");
    const body = c.req.valid("json");
    const manifest = await manifestOf(c.env, project);
    if (manifest === undefined) throw notFound(`project ${project} does not exist`);
    // The request node's rules, checked now so a refused URL stores nothing (and again at every delivery).
    try {
      checkedUrl(body.url, subscriptionPolicy(manifest.settings.workflows ?? {}));
    } catch (error) {
      if (error instanceof OutboundError) throw new ApiError(400, "url_refused", error.message);
      throw error;
    }
    const stored = await registryOf(c.env, project).putSubscription(name, body.url, [...new Set(body.events)], body.rotateSecret === true);
    if (stored === undefined) throw notFound(`project ${project} does not exist`);
    return c.json({ name, secret: stored.subscription.secret }, stored.created ? 201 : 200);
  },
);

subscriptions.get(
  "/:project/subscriptions",
  describeRoute({ summary: "The project's subscriptions", tags: TAGS }),
  validator("param", v.object({ project: ProjectName }), rejectInvalid),
  requireProject,
  async (c) => c.json({ subscriptions: (await registryOf(c.env, c.req.valid("param").project).listSubscriptions()).map(view) }),
);

subscriptions.get(
  "/:project/subscriptions/:name",
  describeRoute({ summary: "One subscription (without its secret)", tags: TAGS }),
  validator("param", SubscriptionParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, name } = c.req.valid("param");
    const found = await registryOf(c.env, project).getSubscription(name);
    if (found === undefined) throw notFound(`no subscription ${name}`);
    return c.json(view(found));
  },
);

subscriptions.delete(
  "/:project/subscriptions/:name",
  describeRoute({ summary: "Delete a subscription and its delivery log; runs stop sending to it", tags: TAGS }),
  validator("param", SubscriptionParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, name } = c.req.valid("param");
    if (!(await registryOf(c.env, project).deleteSubscription(name))) throw notFound(`no subscription ${name}`);
    return c.json({ name, deleted: true });
  },
);

subscriptions.get(
  "/:project/subscriptions/:name/deliveries",
  describeRoute({ summary: "The subscription's most recent delivery attempts (at most 100), newest first", tags: TAGS }),
  validator("param", SubscriptionParams, rejectInvalid),
  requireProject,
  async (c) => {
    const { project, name } = c.req.valid("param");
    const deliveries = await registryOf(c.env, project).subscriptionDeliveries(name);
    if (deliveries === undefined) throw notFound(`no subscription ${name}`);
    return c.json({ deliveries });
  },
);

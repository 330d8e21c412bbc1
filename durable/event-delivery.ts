import { OutboundError } from "../net/outbound";
import type { OutboundPolicy } from "../net/outbound-policy";
import { sendOutbound } from "../net/send";
import { SIGNATURE_HEADER, webhookSignature } from "../net/webhook-signature";
import type { RunEvent } from "./run-event";
import type { Subscription } from "./subscriptions";

/** One POST may take this long, the answer's body included. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** An event is given up after this many failed attempts, or once it has failed for MAX_RETRY_AGE_MS. */
export const MAX_DELIVERY_ATTEMPTS = 12;
export const MAX_RETRY_AGE_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10 * 60 * 1000;

/** The wait before attempt `attempt + 1`: 0.5 s, 1 s, 2 s, … doubling up to 10 minutes. */
export function retryDelay(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS);
}

export function wantsEvent(subscription: Subscription, type: string): boolean {
  return subscription.events.includes("*") || subscription.events.includes(type);
}

/** The `request` node's URL rules (settings `workflows.requestHosts` and `allowPrivateNetwork`), which subscriptions follow too. */
export function subscriptionPolicy(rules: { readonly requestHosts?: readonly string[]; readonly allowPrivateNetwork?: boolean }): OutboundPolicy {
  return {
    ...(rules.requestHosts === undefined ? {} : { allowedHosts: rules.requestHosts }),
    allowPrivateNetwork: rules.allowPrivateNetwork ?? false,
    settingNames: { allowedHosts: "workflows.requestHosts", allowPrivateNetwork: "workflows.allowPrivateNetwork" },
  };
}

/** POSTs one event, signed; answers the receiver's status, or null and why there was none. */
export async function postEvent(subscription: Subscription, event: RunEvent, policy: OutboundPolicy): Promise<{ status: number | null; error: string | null }> {
  const body = JSON.stringify(event);
  try {
    const response = await sendOutbound(
      {
        url: subscription.url,
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: await webhookSignature(subscription.secret, body),
          "X-Hookflow-Event-Id": event.id,
          "X-Hookflow-Subscription": subscription.name,
        },
        body,
        timeoutMs: DELIVERY_TIMEOUT_MS,
      },
      policy,
    );
    return { status: response.status, error: null };
  } catch (error) {
    if (error instanceof OutboundError) return { status: null, error: `${error.code}: ${error.message}` };
    return { status: null, error: error instanceof Error ? error.message : String(error) };
  }
}

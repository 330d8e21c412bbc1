// V21: a payment provider posts a form to /operations/proxy/payNotify; answer "success" as plain text.
// ctx.request.body is the raw body as text.

/** @type {import("hookflow/fireboom").ProxyHook} */
export default function payNotify(ctx) {
  const form = new URLSearchParams(ctx.request.body ?? "");
  const tradeNo = form.get("trade_no");
  if (!tradeNo || !form.get("sign")) {
    return { statusCode: 400, headers: { "Content-Type": "text/plain" }, body: "fail" };
  }
  console.log(`payment notification for trade ${tradeNo}`);
  return { statusCode: 200, headers: { "Content-Type": "text/plain" }, body: "success" };
}

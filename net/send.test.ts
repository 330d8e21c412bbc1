import { describe, expect, inject, it } from "vitest";
import { OutboundError, type OutboundRequest } from "./outbound";
import type { OutboundPolicy } from "./outbound-policy";
import { MAX_REDIRECTS, MAX_RESPONSE_BYTES, sendOutbound } from "./send";

const { origin, port, closedPort } = inject("requestMock");
const settingNames = { allowedHosts: "workflows.requestHosts", allowPrivateNetwork: "workflows.allowPrivateNetwork" };
/** The mock server listens on 127.0.0.1, which only a policy allowing the private network reaches. */
const local: OutboundPolicy = { settingNames, allowPrivateNetwork: true };

const get = (url: string, timeoutMs = 5_000): OutboundRequest => ({ url, method: "GET", headers: {}, timeoutMs });

async function failure(request: OutboundRequest, policy: OutboundPolicy = local): Promise<{ code: string; message: string }> {
  const error = await sendOutbound(request, policy).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OutboundError)) throw new Error(`expected an OutboundError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("sendOutbound", () => {
  it("answers status, status text, lower-case headers and the body as text", async () => {
    const answer = await sendOutbound(get(`${origin}/api/data`), local);
    expect(answer).toMatchObject({ status: 200, statusText: "OK", body: '{"meta":{},"data":{}}' });
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("sends the method, headers and body as given", async () => {
    const answer = await sendOutbound({ url: `${origin}/api/echo?a=1`, method: "put", headers: { "X-Token": "t", "Content-Type": "text/plain" }, body: "hello", timeoutMs: 5_000 }, local);
    expect(JSON.parse(answer.body)).toMatchObject({ method: "PUT", query: { a: "1" }, headers: { "x-token": "t", "content-type": "text/plain" }, body: "hello" });
  });

  it("answers an HTTP error status rather than failing", async () => {
    expect(await sendOutbound(get(`${origin}/api/400`), local)).toMatchObject({ status: 400, statusText: "Bad Request", body: "Bad Request" });
  });

  it("fails as axios does when the whole exchange outlasts the timeout", async () => {
    expect(await failure(get(`${origin}/api/timeout`, 250))).toEqual({ code: "ECONNABORTED", message: "timeout of 250ms exceeded" });
  });

  it("fails with ECONNRESET when the server closes the connection without answering, or refuses it", async () => {
    expect(await failure(get(`${origin}/api/end`))).toEqual({ code: "ECONNRESET", message: "socket hang up" });
    expect((await failure(get(`http://127.0.0.1:${closedPort}/`))).code).toBe("ECONNRESET");
  });

  it("follows redirects, a 302 after a POST going on as a GET and a 307 keeping method and body", async () => {
    const viaGet = await sendOutbound({ url: `${origin}/api/redirect?to=/api/echo`, method: "POST", headers: { "Content-Type": "text/plain" }, body: "x", timeoutMs: 5_000 }, local);
    expect(JSON.parse(viaGet.body)).toMatchObject({ method: "GET", body: "" });
    expect(JSON.parse(viaGet.body).headers).not.toHaveProperty("content-type");
    const kept = await sendOutbound({ url: `${origin}/api/redirect?status=307&to=/api/echo`, method: "POST", headers: { "Content-Type": "text/plain" }, body: "x", timeoutMs: 5_000 }, local);
    expect(JSON.parse(kept.body)).toMatchObject({ method: "POST", body: "x", headers: { "content-type": "text/plain" } });
  });

  it(`follows at most ${MAX_REDIRECTS} redirects`, async () => {
    // `to` is the rest of the query, unencoded: each level redirects to the next one.
    const chain = (levels: number) => Array.from({ length: levels }, () => "/api/redirect?to=").join("") + "/api/data";
    expect((await sendOutbound(get(origin + chain(MAX_REDIRECTS)), local)).status).toBe(200);
    expect(await failure(get(origin + chain(MAX_REDIRECTS + 1)))).toEqual({ code: "ERR_FR_TOO_MANY_REDIRECTS", message: "Maximum number of redirects exceeded" });
  });

  it("checks every redirect's target against the policy", async () => {
    const onlyTheMock: OutboundPolicy = { settingNames, allowedHosts: [`127.0.0.1:${port}`], allowPrivateNetwork: true };
    expect((await sendOutbound(get(`${origin}/api/redirect?to=/api/data`), onlyTheMock)).status).toBe(200);
    for (const target of ["http://169.254.169.254/latest/meta-data/", `http://localhost:${port}/api/data`, `http://[::1]:${port}/api/data`]) {
      const refused = await failure(get(`${origin}/api/redirect?to=${encodeURIComponent(target)}`), onlyTheMock);
      expect(refused.code).toBe("EHOSTBLOCKED");
      expect(refused.message).toContain("is not in workflows.requestHosts");
    }
    expect(await failure(get(`${origin}/api/redirect?to=${encodeURIComponent("file:///etc/passwd")}`))).toEqual({ code: "ERR_INVALID_URL", message: "Invalid URL" });
  });

  it("blocks loopback, link-local and local names unless the policy allows the private network, before connecting", async () => {
    const byDefault: OutboundPolicy = { settingNames };
    for (const url of [`${origin}/api/data`, "http://169.254.169.254/latest/meta-data/", `http://localhost:${port}/`, `http://[::1]:${port}/`, `http://2130706433:${port}/api/data`]) {
      const refused = await failure(get(url), byDefault);
      expect(refused.code).toBe("EHOSTBLOCKED");
      expect(refused.message).toContain("set workflows.allowPrivateNetwork to reach private networks");
    }
  });

  it(`reads at most ${MAX_RESPONSE_BYTES} bytes of a response`, async () => {
    expect((await sendOutbound(get(`${origin}/api/large?bytes=${MAX_RESPONSE_BYTES}`), local)).body).toHaveLength(MAX_RESPONSE_BYTES);
    expect(await failure(get(`${origin}/api/large?bytes=${MAX_RESPONSE_BYTES + 1}`))).toEqual({ code: "ERR_BAD_RESPONSE", message: `maxContentLength size of ${MAX_RESPONSE_BYTES} exceeded` });
  });
});

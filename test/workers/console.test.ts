import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN } from "./helpers";

/** /console: the operator console's shell and assets (worker/routes/console.ts). */

describe("the console", () => {
  it("serves a shell with no token, a policy that allows no other origin, and versioned, cacheable assets", async () => {
    const shell = await SELF.fetch(`${ORIGIN}/console`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get("content-type")).toMatch(/^text\/html/);
    expect(shell.headers.get("cache-control")).toBe("no-cache");
    const csp = shell.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await shell.text();
    const js = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
    expect(js).toMatch(/^\/console\/assets\/console\.js\?v=[0-9a-f]{16}$/);
    expect(css).toMatch(/^\/console\/assets\/console\.css\?v=[0-9a-f]{16}$/);

    const script = await SELF.fetch(`${ORIGIN}${js}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await script.text()).length).toBeGreaterThan(1000);
    const etag = script.headers.get("etag")!;
    const again = await SELF.fetch(`${ORIGIN}/console/assets/console.js`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const unversioned = await SELF.fetch(`${ORIGIN}/console/assets/console.css`);
    expect(unversioned.headers.get("cache-control")).toBe("no-cache");
    expect(await unversioned.text()).toContain(".graph");
  });
});

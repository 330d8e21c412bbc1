import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import CONSOLE_CSS from "../../console/build/hookflow-console.css";
import CONSOLE_JS from "../../console/build/hookflow-console.js";
import type { AppEnv } from "../env";
import { sha256Hex } from "../../security/secrets";

/**
 * The operator console (console/, bundled by scripts/build-console.js): an HTML shell and its two assets. It holds no
 * data and needs no token: the page signs in in the browser and calls the public API like any other client.
 */
export const consoleRoutes = new Hono<AppEnv>();

/** Only this origin's own script, style and API: no CDN, no inline code, no framing by other sites. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** The assets' content hashes, computed once per isolate: they version the asset URLs and serve as ETags. */
let versions: Promise<{ js: string; css: string }> | undefined;
const assetVersions = () =>
  (versions ??= Promise.all([sha256Hex(CONSOLE_JS), sha256Hex(CONSOLE_CSS)]).then(([js, css]) => ({ js: js.slice(0, 16), css: css.slice(0, 16) })));

function shell(v: { js: string; css: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookflow console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css?v=${v.css}">
<script type="module" src="/console/assets/console.js?v=${v.js}"></script>
</head>
<body>
<div id="console"><noscript>The hookflow console needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/**
 * An asset: cached for a year when asked for by its current version (the shell names it so), revalidated by ETag
 * otherwise.
 */
function asset(c: Context<AppEnv>, body: string, version: string, type: string): Response {
  const etag = `"${version}"`;
  const cache = c.req.query("v") === version ? "public, max-age=31536000, immutable" : "no-cache";
  const headers = { ...SECURITY_HEADERS, "Content-Type": type, "Cache-Control": cache, ETag: etag };
  if (c.req.header("If-None-Match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers });
}

consoleRoutes.get("/", describeRoute({ hide: true }), async (c) => {
  const html = shell(await assetVersions());
  // The shell is tiny and names the current assets: always revalidated, so a deploy shows at the next load.
  return new Response(html, { headers: { ...SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" } });
});

consoleRoutes.get("/assets/console.js", describeRoute({ hide: true }), async (c) =>
  asset(c, CONSOLE_JS, (await assetVersions()).js, "text/javascript; charset=utf-8"),
);

consoleRoutes.get("/assets/console.css", describeRoute({ hide: true }), async (c) => asset(c, CONSOLE_CSS, (await assetVersions()).css, "text/css; charset=utf-8"));

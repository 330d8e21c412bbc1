#!/usr/bin/env node
// Bundles the operator console (console/) into console/build/: one JS and one CSS file, which the Worker imports as
// text (wrangler.toml's Text rule) and serves at /console. Run by `npm install`/`npm ci` (prepare) and by every
// wrangler build ([build] in wrangler.toml), so a clean clone never serves a stale or missing console.
import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const t0 = performance.now();
const result = await build({
  entryPoints: { "hookflow-console": join(ROOT, "console", "main.tsx") },
  outdir: join(ROOT, "console", "build"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "none",
  jsx: "automatic",
  jsxImportSource: "hono/jsx/dom",
  logLevel: "warning",
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`[console] built console/build/ in ${Math.round(performance.now() - t0)} ms (${(bytes / 1024).toFixed(1)} KiB)`);

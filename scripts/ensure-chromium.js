// `npm test` runs this first: the console's browser tests (test/e2e/console.test.ts) drive Debian's Chromium through
// playwright-core (whose own browser downloads do not work here), so it is installed when it is missing.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  const sudo = process.getuid?.() === 0 ? "" : "sudo ";
  console.log(`[hookflow] ${path} is missing: installing Debian's chromium for the console's browser tests`);
  execSync(`${sudo}apt-get update && ${sudo}apt-get install -y chromium`, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

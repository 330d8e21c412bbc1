import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { HOOKFLOW_ADMIN_TOKEN: "test-admin-token" } },
          }),
        ],
        test: {
          name: "workers",
          include: ["{worker,sandbox,durable,engine,net,security}/**/*.test.ts", "test/workers/**/*.test.ts"],
          // A real HTTP server on 127.0.0.1 for the outbound-request tests (its address arrives through `inject`).
          globalSetup: ["./test/global-setup/request-mock-server.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 180_000 },
      },
    ],
  },
});

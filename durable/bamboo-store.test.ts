import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { describeStoreContract } from "../engine/bamboo/store-contract";
import { SqlBambooStore } from "./bamboo-store";
import type { ProjectRegistry } from "./project-registry";

const namespace = (env as unknown as { PROJECTS: DurableObjectNamespace<ProjectRegistry> }).PROJECTS;

/** Runs `body` against a store on the SQLite of a fresh Durable Object (a new one per call). */
async function withStore<R>(body: (store: SqlBambooStore, sql: SqlStorage) => R | Promise<R>): Promise<R> {
  const stub = namespace.get(namespace.idFromName(`bamboo-store-test-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => body(new SqlBambooStore(state.storage.sql), state.storage.sql));
}

describe("SqlBambooStore", () => {
  describeStoreContract(withStore);

  it("creates its schema idempotently, on an existing database too", async () => {
    await withStore((store, sql) => {
      store.putNode({ id: "n", type: "EmptyStartEvent", name: null, targets: {}, rootPipelineId: "r", parentPipelineId: "r", canSkip: false, canRetry: false });
      const again = new SqlBambooStore(sql);
      expect(again.node("n")?.id).toBe("n");
      const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'bamboo_%' ORDER BY name").toArray();
      expect(tables.map((t) => t.name)).toEqual([
        "bamboo_callback_data",
        "bamboo_context_outputs",
        "bamboo_context_values",
        "bamboo_data",
        "bamboo_execution_data",
        "bamboo_histories",
        "bamboo_nodes",
        "bamboo_processes",
        "bamboo_run",
        "bamboo_schedules",
        "bamboo_states",
      ]);
    });
  });

  it("keeps the run in a single row, however often putRun overwrites it", async () => {
    await withStore((store, sql) => {
      const run = { pipelineId: "p1", rootPipelineData: {}, settings: { exclusiveGatewayStrategy: "first" as const, rerunLimit: 7 }, createdAt: 1 };
      store.putRun(run);
      store.putRun({ ...run, pipelineId: "p2" });
      expect(store.run()?.pipelineId).toBe("p2");
      expect(sql.exec("SELECT COUNT(*) AS n FROM bamboo_run").one().n).toBe(1);
    });
  });
});

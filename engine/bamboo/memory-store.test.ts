import { describe, expect, it } from "vitest";
import { MemoryBambooStore } from "./memory-store";
import { describeStoreContract, processFields } from "./store-contract";

/** Runs `body` against a fresh, empty MemoryBambooStore. */
async function withStore<R>(body: (store: MemoryBambooStore) => R | Promise<R>): Promise<R> {
  return body(new MemoryBambooStore());
}

describe("MemoryBambooStore", () => {
  describeStoreContract(withStore);

  it("copies on put: changing what was stored afterwards changes nothing stored", () => {
    const store = new MemoryBambooStore();
    const data = { inputs: { a: { need_render: true, value: ["${x}"] } }, outputs: {} };
    store.putData("n", data);
    (data.inputs.a.value as string[]).push("${y}");
    expect(store.data("n")!.inputs.a!.value).toEqual(["${x}"]);

    const value = { key: "${k}", type: "plain" as const, value: { n: 1 }, references: [] as string[] };
    store.putContextValue("root", value);
    value.value.n = 2;
    value.references.push("${other}");
    expect(store.contextValues("root")).toStrictEqual([{ key: "${k}", type: "plain", value: { n: 1 }, references: [] }]);

    const fields = processFields({ pipelineStack: ["root"] });
    const created = store.newProcess(fields);
    (fields.pipelineStack as string[]).push("sub");
    expect(store.process(created.id)!.pipelineStack).toEqual(["root"]);

    const payload = { list: [1] };
    const callback = store.newCallbackData("n", "v", payload);
    payload.list.push(2);
    expect(store.callbackData(callback.id)!.data).toEqual({ list: [1] });
  });
});

import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "./env";
import { registryOf } from "./env";
import { forgetProject, MANIFEST_MAX_AGE_MS, MANIFEST_TTL_MS, manifestOf } from "./project-cache";

const bindings = env as unknown as Bindings;
let counter = 0;

/**
 * A new project. The tests change it with direct Durable Object calls (rotating its hook key), as another isolate
 * would: this isolate's cache is not told.
 */
async function project(): Promise<{ name: string }> {
  const name = `cache-${counter++}-${Math.random().toString(36).slice(2, 8)}`;
  await registryOf(bindings, name).create(name);
  return { name };
}

const hookKeyHash = async (name: string, background?: (work: Promise<unknown>) => void) => (await manifestOf(bindings, name, background))?.hookKeyHash;

describe("the isolate manifest cache", () => {
  afterEach(() => vi.useRealTimers());

  it("serves a fresh manifest for MANIFEST_TTL_MS, then reads the Durable Object again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { name } = await project();
    const before = await hookKeyHash(name);
    await registryOf(bindings, name).rotateHookKey();
    vi.setSystemTime(Date.now() + MANIFEST_TTL_MS - 1);
    expect(await hookKeyHash(name)).toBe(before);
    vi.setSystemTime(Date.now() + 2);
    const after = await hookKeyHash(name);
    expect(after).not.toBe(before);
    expect(after).toBe((await registryOf(bindings, name).manifest())!.hookKeyHash);
  });

  it("lets a hook call use an expired manifest while one background refresh runs, up to MANIFEST_MAX_AGE_MS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { name } = await project();
    const before = await hookKeyHash(name);
    await registryOf(bindings, name).rotateHookKey();
    const refreshes: Promise<unknown>[] = [];
    const background = (work: Promise<unknown>) => void refreshes.push(work);

    vi.setSystemTime(Date.now() + MANIFEST_TTL_MS + 1);
    expect(await hookKeyHash(name, background)).toBe(before);
    expect(await hookKeyHash(name, background)).toBe(before);
    expect(refreshes).toHaveLength(1); // one refresh, however many calls arrive meanwhile
    await Promise.all(refreshes);
    const after = await hookKeyHash(name, background);
    expect(after).not.toBe(before);

    // Past the maximum age even a hook call waits for the Durable Object.
    await registryOf(bindings, name).rotateHookKey();
    vi.setSystemTime(Date.now() + MANIFEST_MAX_AGE_MS + 1);
    const latest = await hookKeyHash(name, background);
    expect(latest).not.toBe(after);
    expect(refreshes).toHaveLength(1);
  });

  it("never caches a fetch that started before this isolate's own change", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { name } = await project();
    await hookKeyHash(name);
    const refreshes: Promise<unknown>[] = [];
    vi.setSystemTime(Date.now() + MANIFEST_TTL_MS + 1);
    await hookKeyHash(name, (work) => void refreshes.push(work));
    // This isolate changes the project while the refresh is in flight, and forgets it (as its routes do).
    forgetProject(name);
    await Promise.all(refreshes);
    // Had the refresh been cached, this read (the clock has not moved) would still see the old key.
    await registryOf(bindings, name).rotateHookKey();
    expect(await hookKeyHash(name)).toBe((await registryOf(bindings, name).manifest())!.hookKeyHash);
  });
});

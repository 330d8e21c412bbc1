import { UsingDisposable, type QuickJSContext, type QuickJSDeferredPromise } from "quickjs-emscripten-core";

/**
 * The guest promises that host work (fetch, digests, host calls) will settle, owned by their runtime rather than
 * by the work. Host work can outlive its call and its runtime (a breach retires the runtime while a fetch is in
 * flight); a promise still held then keeps guest objects alive, and QuickJS aborts the whole wasm module when a
 * runtime is freed with objects left. So the runtime's owner disposes them all first, and work that ends later
 * finds its promise no longer alive.
 */
export class HostPromises extends UsingDisposable {
  private readonly open = new Set<QuickJSDeferredPromise>();
  private disposed = false;

  constructor(private readonly context: QuickJSContext) {
    super();
  }

  create(): QuickJSDeferredPromise {
    if (this.disposed) throw new Error("the runtime is disposed");
    const deferred = this.context.newPromise();
    this.open.add(deferred);
    return deferred;
  }

  /** Frees a promise once its host work has ended (settled or abandoned). */
  release(deferred: QuickJSDeferredPromise): void {
    this.open.delete(deferred);
    if (deferred.alive) deferred.dispose();
  }

  get alive(): boolean {
    return !this.disposed;
  }

  dispose(): void {
    this.disposed = true;
    for (const deferred of this.open) if (deferred.alive) deferred.dispose();
    this.open.clear();
  }
}

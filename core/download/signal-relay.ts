import { setMaxListeners } from 'node:events';

const relays = new WeakMap<AbortSignal, AbortSignal>();

/**
 * A signal that aborts with `signal`, shared by every download `signal` is passed to. A sync passes
 * its task's signal to thousands of downloads, each listening while it waits or runs; on the
 * caller's signal that many listeners would look like a leak (Node warns past 10), on this one,
 * which is ours, they are expected. The caller's signal gets a single listener.
 */
export function relay(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  let relayed = relays.get(signal);
  if (!relayed) {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    relayed = controller.signal;
    relays.set(signal, relayed);
  }
  return relayed;
}

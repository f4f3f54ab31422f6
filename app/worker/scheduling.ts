// Giving the worker's event loop a turn between slices of work, so Comlink messages (cancel, pause,
// "save now") are answered while a long run goes on. A MessageChannel round trip is a task without
// setTimeout's 4 ms clamp; where there is none (older test environments) setTimeout(0) serves.

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const next = waiting.shift();
      if (next) next();
    };
  }
  const ch = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    ch.port2.postMessage(0);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Milliseconds from a monotonic clock. */
export function now(): number {
  return performance.now();
}

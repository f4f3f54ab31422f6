// Giving the worker's event loop a turn between slices of work, so Comlink messages (cancel, pause,
// "save now") are answered while a long run goes on. In a browser a MessageChannel round trip is a
// task queued behind the messages already waiting, without setTimeout's 4 ms clamp. Node (tests)
// drains a port's messages in one go, which would starve everything else: there setImmediate does
// the same job.

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

const nodeImmediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;

export function yieldToEventLoop(): Promise<void> {
  if (nodeImmediate) return new Promise((r) => nodeImmediate(r));
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

// A test-only way to make the engine worker stop answering, for the watchdog's end-to-end tests
// (e2e/durability-watchdog.spec.ts). No Pine script can hang the worker any more (loops are timed,
// nested ones too; regexes are linear; strings and arrays are bounded), so the tests arm this
// instead: the next bar the engine starts to run for the open script (a history slice, a replayed
// bar) never ends, exactly where a runaway script would stop answering. It is reached only through
// EngineApi.testOnlyHangAtNextBar (window.evergreen.testOnlyHangEngine in the page), never from a
// script or from anything the app does on its own.

let armed = false;

export function armTestHang(): void {
  armed = true;
}

/** Where the engine is about to run the script on a bar: spins forever once armed. */
export function testHangPoint(): void {
  if (!armed) return;
  // The worker stays busy until the page's watchdog terminates it.
  for (;;) {
    if (!armed) return;
  }
}

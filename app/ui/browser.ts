// Small browser helpers of the page's actions: waiting for frames, saving a file.

/** Calls `fn` after `n` animation frames (n ≤ 0: in a task of its own). */
export function afterFrames(n: number, fn: () => void): void {
  if (n <= 0) {
    setTimeout(fn, 0);
    return;
  }
  requestAnimationFrame(() => afterFrames(n - 1, fn));
}

/** Offers `blob` to the user as a file named `fileName` (the browser's download). */
export function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

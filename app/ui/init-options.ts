// What the page asks the engine to open, from its URL: `?dataset=<id>` (e.g. synthetic:100000),
// `?sample=<file>` (a sample script) and `?restore=0` (run from scratch even when a checkpoint
// matches). Samples are fetched relative to the app's base URL.

import type { InitOptions } from '../worker/protocol.js';

export function initOptionsFromUrl(href: string, base: string): InitOptions {
  const url = new URL(href);
  const p = url.searchParams;
  const dataset = p.get('dataset');
  const sample = p.get('sample');
  return {
    baseUrl: new URL(base, url).href,
    restore: p.get('restore') !== '0',
    ...(dataset ? { datasetId: dataset } : {}),
    ...(sample ? { sample } : {}),
  };
}

// The sample scripts served from public/samples/scripts: the first launch copies them into the
// store as the user's scripts; "New script" can start from any of them.

export interface SampleScript {
  file: string;
  name: string;
}

export const SAMPLE_SCRIPTS: SampleScript[] = [
  { file: 'bollinger-ma.pine', name: 'MA + Bollinger Bands' },
  { file: 'rsi-macd.pine', name: 'RSI + MACD oscillator' },
  { file: 'logging-breakout.pine', name: 'Donchian breakout with logs' },
  { file: 'macd-strategy.pine', name: 'MACD crossover strategy' },
  { file: 'drawings-demo.pine', name: 'Drawings: label, lines, box, polyline, table' },
];

export const BLANK_SCRIPT = `//@version=6
indicator("My script", overlay=true)
plot(ta.sma(close, 20), "SMA 20")
`;

export async function fetchSample(file: string, baseUrl: string): Promise<string> {
  const res = await fetch(new URL(`samples/scripts/${file}`, baseUrl).href);
  if (!res.ok) throw new Error(`Could not load the sample script ${file}: HTTP ${res.status}.`);
  return res.text();
}

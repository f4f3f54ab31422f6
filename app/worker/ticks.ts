// Intrabar ticks for the replay feed: a confirmed OHLC bar replayed as the prices a live feed would
// have sent while it formed. The path visits the extreme nearer the open first (down bars go up
// first, up bars down first), each tick carries the high, low and volume seen so far, and the last
// tick is the whole bar. Deterministic, so a replay interrupted and resumed sends the same ticks.

export interface TickBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const TICKS_PER_BAR = 4;

export function ticksForBar(bar: TickBar): TickBar[] {
  const { time, open, high, low, close, volume } = bar;
  const upBar = close >= open;
  const first = upBar ? low : high;
  const second = upBar ? high : low;
  const vol = (f: number) => (Number.isNaN(volume) ? NaN : volume * f);
  const seenHigh1 = Math.max(open, first);
  const seenLow1 = Math.min(open, first);
  return [
    { time, open, high: open, low: open, close: open, volume: vol(0.25) },
    { time, open, high: seenHigh1, low: seenLow1, close: first, volume: vol(0.5) },
    { time, open, high, low, close: second, volume: vol(0.75) },
    { time, open, high, low, close, volume },
  ];
}

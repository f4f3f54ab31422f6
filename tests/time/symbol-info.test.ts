// Symbol files: the fixtures' TOML files read into SymbolInfo (and out through syminfo.*), every
// error naming its line and field, and the default symbol for plain CSV data.

import { describe, expect, it } from 'vitest';
import { defaultSymbolInfo, parseSymbolToml, readSymbolToml, SymbolFileError } from '../../vm/builtins/time/symbol-info.js';
import { makeRuntime, read, readText } from './harness.js';

describe('the fixtures\' symbol files', () => {
  it('session.toml: the FX symbol', () => {
    const { symbol, period } = readSymbolToml(readText('session/session.toml'));
    expect(period).toBe('60');
    expect(symbol).toMatchObject({
      ticker: 'EURUSD',
      tickerid: 'CAPITALCOM:EURUSD',
      prefix: 'CAPITALCOM',
      description: 'EUR/USD',
      type: 'forex',
      currency: 'USD',
      basecurrency: 'EUR',
      timezone: 'US/Eastern',
      mintick: 0.00001,
      pricescale: 100000,
      minmove: 1,
      pointvalue: 1,
      volumetype: 'base',
    });
    // Days: file 0 = Monday → Pine 2; file 6 = Sunday → Pine 1. 16:59:50 = 61190 s, 17:05 = 61500 s.
    expect(symbol.openingHours?.length).toBe(10);
    expect(symbol.openingHours?.[0]).toEqual({ day: 2, start: 0, end: 61190 });
    expect(symbol.openingHours?.[1]).toEqual({ day: 2, start: 61500, end: 0 });
    expect(symbol.openingHours?.[9]).toEqual({ day: 1, start: 61200, end: 0 });
    expect(symbol.sessionStarts).toEqual([
      { day: 2, time: 61500 },
      { day: 3, time: 61500 },
      { day: 4, time: 61500 },
      { day: 5, time: 61500 },
      { day: 1, time: 61200 },
    ]);
    expect(symbol.sessionEnds?.map((e) => e.day)).toEqual([2, 3, 4, 5, 6]);
  });

  it('session_24x7.toml: the crypto symbol, open around the clock', () => {
    const sym = parseSymbolToml(readText('session/session_24x7.toml'));
    expect(sym).toMatchObject({ ticker: 'BTCUSDT', tickerid: 'BINANCE:BTCUSDT', type: 'crypto', timezone: 'Etc/UTC', mintick: 0.01, mincontract: 0.00001 });
    expect(sym.session).toBe('24x7');
  });

  it('syminfo.* reads the symbol through the registry', () => {
    const rt = makeRuntime(parseSymbolToml(readText('timeframe/timeframe.toml')), '5');
    const strings: [string, string | null][] = [
      ['ticker', 'EURUSD'],
      ['tickerid', 'CAPITALCOM:EURUSD'],
      ['main_tickerid', 'CAPITALCOM:EURUSD'],
      ['prefix', 'CAPITALCOM'],
      ['description', 'EUR/USD'],
      ['type', 'forex'],
      ['currency', 'USD'],
      ['basecurrency', 'EUR'],
      ['timezone', 'US/Eastern'],
      ['session', 'regular'],
      ['volumetype', 'base'],
      ['root', 'EURUSD'],
      ['country', null],
      ['isin', ''],
    ];
    for (const [name, want] of strings) expect(read(rt, `syminfo.${name}`), name).toBe(want);
    expect(read(rt, 'syminfo.mintick')).toBe(0.00001);
    expect(read(rt, 'syminfo.pointvalue')).toBe(1);
    expect(read(rt, 'syminfo.pricescale')).toBe(100000);
    expect(read(rt, 'syminfo.minmove')).toBe(1);
    expect(read(rt, 'syminfo.mincontract')).toBeNaN();
    expect(read(rt, 'syminfo.employees')).toBeNaN();
  });

  it('pricescale and minmove alone give mintick = minmove / pricescale', () => {
    const sym = parseSymbolToml('[symbol]\nticker = "ES1!"\npricescale = 4\nminmove = 1\ntimezone = "America/Chicago"\n');
    expect(sym.mintick).toBe(0.25);
    expect(sym.tickerid).toBe('ES1!');
  });
});

describe('errors name the line and the field', () => {
  const FX_HEAD = '[symbol]\nticker = "EURUSD"\nmintick = 0.00001\ntimezone = "US/Eastern"\n';
  const cases: [string, string, number, string | null, RegExp][] = [
    ['no [symbol] table', '# nothing\n', 1, null, /no \[symbol\] table/],
    ['no ticker', '[symbol]\nmintick = 0.01\n', 1, 'ticker', /every symbol needs a ticker/],
    ['no mintick', '[symbol]\nticker = "X"\n', 1, 'mintick', /give mintick, or pricescale and minmove/],
    ['an unknown zone', '[symbol]\nticker = "X"\nmintick = 0.01\ntimezone = "Moon/Base"\n', 4, 'timezone', /unknown time zone "Moon\/Base"/],
    ['a number where a string belongs', '[symbol]\nticker = 12\n', 2, 'ticker', /expected a string in quotes/],
    ['a bare word', '[symbol]\nticker = EURUSD\n', 2, 'ticker', /strings need quotes/],
    ['an unclosed string', '[symbol]\nticker = "EURUSD\n', 2, null, /not closed/],
    ['a key twice', '[symbol]\nticker = "A"\nticker = "B"\n', 3, 'ticker', /given twice/],
    ['a key before any table', 'ticker = "A"\n[symbol]\n', 1, 'ticker', /inside a table/],
    ['an unknown table', '[symbol]\nticker = "A"\nmintick = 1\n[extras]\n', 4, null, /unknown table \[extras\]/],
    ['a day out of range', `${FX_HEAD}[[opening_hours]]\nday = 7\nstart = "00:00:00"\nend = "16:00:00"\n`, 6, 'day', /0 \(Monday\) \.\. 6 \(Sunday\), got 7/],
    ['a bad time', `${FX_HEAD}[[opening_hours]]\nday = 1\nstart = "25:00:00"\nend = "16:00:00"\n`, 7, 'start', /"25:00:00" is not a time of day/],
    ['a missing end', `${FX_HEAD}[[opening_hours]]\nday = 1\nstart = "09:30:00"\n`, 5, 'end', /missing in this \[\[opening_hours\]\] entry/],
    [
      'ends without starts',
      `${FX_HEAD}[[opening_hours]]\nday = 1\nstart = "09:30:00"\nend = "16:00:00"\n[[session_ends]]\nday = 1\ntime = "16:00:00"\n`,
      9,
      null,
      /\[\[session_ends\]\] without any \[\[session_starts\]\]/,
    ],
    [
      'two starts in a row',
      `${FX_HEAD}[[opening_hours]]\nday = 1\nstart = "09:30:00"\nend = "16:00:00"\n[[session_starts]]\nday = 1\ntime = "09:30:00"\n[[session_starts]]\nday = 1\ntime = "10:30:00"\n[[session_ends]]\nday = 1\ntime = "16:00:00"\n`,
      5,
      null,
      /two session starts \(Tuesday 09:30 and Tuesday 10:30\)/,
    ],
  ];
  for (const [what, text, line, field, why] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        parseSymbolToml(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SymbolFileError);
      const e = err as SymbolFileError;
      expect(e.line).toBe(line);
      expect(e.field).toBe(field);
      expect(e.message).toMatch(why);
      expect(e.message).toMatch(new RegExp(`^symbol file line ${line}`));
    });
  }
});

describe('defaultSymbolInfo', () => {
  it('is a 24x7 UTC symbol with the tick size the caller infers', () => {
    const sym = defaultSymbolInfo(0.01, 'SPY');
    expect(sym).toMatchObject({ ticker: 'SPY', tickerid: 'SPY', timezone: 'Etc/UTC', session: '24x7', mintick: 0.01, pointvalue: 1 });
    const rt = makeRuntime(sym, '60');
    expect(read(rt, 'syminfo.pricescale')).toBe(100);
    expect(read(rt, 'syminfo.minmove')).toBe(1);
  });
});

// The `evergreen` command tried the way a new user tries it: the same three bars written in every
// CSV dialect a user's export may have, every kind of bad file, inputs by name and title with bad
// values, CSV output escaping, help and unknown flags, and snapshots resumed on the wrong script,
// on data holding only the new bars, and inspected when damaged. Expected values are written by hand
// (or computed with Date.UTC), never taken from a previous run.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { compile, Instance } from '../../vm/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const FIX = join(ROOT, 'tests/fixtures/ohlcv');
let dir = '';

interface Result {
  code: number;
  out: string;
  err: string;
}

function cli(args: string[]): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir || ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function file(name: string, text: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Plots {
  bars: number;
  plots: Record<string, (number | null)[]>;
}

/** A failure as the brief wants it: exit 1, exactly one line on stderr, no stack trace. */
function expectOneLineFailure(r: Result): string {
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err.endsWith('\n')).toBe(true);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at |Error:|node:internal/);
  return r.err.trimEnd();
}

const VALUES = `//@version=6
indicator("values")
plot(close, "c")
plot(volume, "v")
plot(time, "t")
`;

// The three bars every dialect below writes: 2024-01-02 09:30, 10:30 and 11:30 UTC.
const T0 = Date.UTC(2024, 0, 2, 9, 30);
const TIMES = [T0, T0 + 3_600_000, T0 + 7_200_000];
const S = TIMES.map((t) => t / 1000);

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-cli-user-'));
  writeFileSync(join(dir, 'values.pine'), VALUES);
});

describe('CSV dialects: the same three bars, the same output', () => {
  const full = { c: [1.5, 1.25, 2], v: [10, 20, 30], t: TIMES };
  const noVolume = { c: [1.5, 1.25, 2], v: [null, null, null], t: TIMES };
  const cases: Array<[string, string, Record<string, (number | null)[]>]> = [
    ['unix seconds, lower case', `time,open,high,low,close,volume\n${S[0]},1,2,1,1.5,10\n${S[1]},1.5,1.5,1,1.25,20\n${S[2]},1.25,2,1.25,2,30\n`, full],
    ['milliseconds, upper case TIMESTAMP', `TIMESTAMP,OPEN,HIGH,LOW,CLOSE,VOLUME\n${TIMES[0]},1,2,1,1.5,10\n${TIMES[1]},1.5,1.5,1,1.25,20\n${TIMES[2]},1.25,2,1.25,2,30\n`, full],
    ['ISO with Z, mixed-case Date, newest first', 'Date,Open,High,Low,Close,Volume\n2024-01-02T11:30:00Z,1.25,2,1.25,2,30\n2024-01-02T10:30:00Z,1.5,1.5,1,1.25,20\n2024-01-02T09:30:00Z,1,2,1,1.5,10\n', full],
    ['ISO with a +05:30 offset', 'datetime,open,high,low,close,volume\n2024-01-02T15:00:00+05:30,1,2,1,1.5,10\n2024-01-02T16:00:00+05:30,1.5,1.5,1,1.25,20\n2024-01-02T17:00:00+05:30,1.25,2,1.25,2,30\n', full],
    ['quoted fields, CRLF, BOM, trailing blank lines', '\uFEFF"time","open","high","low","close","volume"\r\n"2024-01-02 09:30","1","2","1","1.5","10"\r\n"2024-01-02 10:30","1.5","1.5","1","1.25","20"\r\n"2024-01-02 11:30","1.25","2","1.25","2","30"\r\n\r\n\r\n', full],
    ['extra columns and no volume', 'Symbol,Date,Open,High,Low,Close,Adj Close\nX,2024-01-02T09:30Z,1,2,1,1.5,9\nX,2024-01-02T10:30Z,1.5,1.5,1,1.25,9\nX,2024-01-02T11:30Z,1.25,2,1.25,2,9\n', noVolume],
    ['semicolons', 'time;open;high;low;close;volume\n2024-01-02T09:30Z;1;2;1;1.5;10\n2024-01-02T10:30Z;1.5;1.5;1;1.25;20\n2024-01-02T11:30Z;1.25;2;1.25;2;30\n', full],
    ['tabs', 'time\topen\thigh\tlow\tclose\tvolume\n2024-01-02T09:30Z\t1\t2\t1\t1.5\t10\n2024-01-02T10:30Z\t1.5\t1.5\t1\t1.25\t20\n2024-01-02T11:30Z\t1.25\t2\t1.25\t2\t30\n', full],
    ['separate Date and Time columns', 'Date,Time,Open,High,Low,Close,Volume\n2024-01-02,09:30,1,2,1,1.5,10\n2024-01-02,10:30,1.5,1.5,1,1.25,20\n2024-01-02,11:30:00,1.25,2,1.25,2,30\n', full],
    ['a trailing comma on every row', `time,open,high,low,close,volume\n${S[0]},1,2,1,1.5,10,\n${S[1]},1.5,1.5,1,1.25,20,\n${S[2]},1.25,2,1.25,2,30,\n`, full],
  ];
  test.each(cases)('%s', (_name, csv, want) => {
    const data = file('dialect.csv', csv);
    const r = cli(['run', 'values.pine', '--data', data]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ bars: 3, plots: want });
  });

  test('a UTF-16 file with a byte order mark (Excel "Unicode text")', () => {
    const text = `\uFEFFtime\topen\thigh\tlow\tclose\tvolume\r\n${S[0]}\t1\t2\t1\t1.5\t10\r\n${S[1]}\t1.5\t1.5\t1\t1.25\t20\r\n${S[2]}\t1.25\t2\t1.25\t2\t30\r\n`;
    const data = file('utf16.csv', Buffer.from(text, 'utf16le'));
    const r = cli(['run', 'values.pine', '--data', data]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ bars: 3, plots: full });
  });

  test('--data - reads stdin', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', 'values.pine', '--data', '-'], {
      cwd: dir,
      encoding: 'utf8',
      input: 'time,close\n2024-01-02,1\n2024-01-03,x\n',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`evergreen: <stdin>:3: column 'close': expected a number, got "x"\n`);
  });

  test('ISO dates alone are UTC midnights', () => {
    const data = file('dates.csv', 'date,close\n2024-01-03,2\n2024-01-02,1\n');
    const r = cli(['run', 'values.pine', '--data', data]);
    expect(JSON.parse(r.out).plots.t).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(r.err).toContain('no open, high or low columns');
  });
});

describe('bad data: exit 1, one line naming the file, the line and the field', () => {
  const H = 'time,open,high,low,close,volume\n';
  const ok1 = '2024-01-02,1,2,1,1.5,10\n';
  const ok2 = '2024-01-03,1,2,1,1.5,10\n';
  const cases: Array<[string, string, string]> = [
    ['empty file', '', 'bad.csv:1: the file is empty: expected a header row like time,open,high,low,close,volume'],
    ['header only', H, 'bad.csv:1: no bars: the header is not followed by any data rows'],
    ['a non-number', `${H}${ok1}2024-01-03,1,two,1,1.5,10\n`, `bad.csv:3: column 'high': expected a number, got "two"`],
    ['too few fields', `${H}${ok1}2024-01-03,1,2,1\n`, "bad.csv:3: column 'close': no value: the row has 4 fields, the header 6"],
    ['too many fields', `${H}${ok1}2024-01-03,1,2,1,1.5,10,77\n`, 'bad.csv:3: the row has 7 fields, the header 6: field 7 ("77") has no column'],
    ['duplicate timestamps', `${H}${ok1}${ok2}${ok2}`, "bad.csv:4: column 'time': duplicate time 2024-01-03 (also on line 3)"],
    [
      'a row out of order in the middle',
      `${H}${ok1}2024-01-05,1,2,1,1.5,10\n${ok2}2024-01-06,1,2,1,1.5,10\n`,
      "bad.csv:4: column 'time': rows are out of time order: 2024-01-03 is before 2024-01-05 on line 3, but the rows before it are oldest first",
    ],
    ['an impossible date', `${H}${ok1}2024-02-30,1,2,1,1.5,10\n`, `bad.csv:3: column 'time': 2024-02 has no day 30, got "2024-02-30"`],
    ['an empty time', `${H}${ok1},1,2,1,1.5,10\n`, "bad.csv:3: column 'time': the time is empty"],
    ['a bad volume', `${H}${ok1}2024-01-03,1,2,1,1.5,many\n`, `bad.csv:3: column 'volume': expected a number or an empty cell, got "many"`],
    [
      'decimal commas with semicolons',
      'time;open;high;low;close\n2024-01-02;1;2;1;1,5\n',
      `bad.csv:2: column 'close': expected a number, got "1,5" (write numbers with '.' as the decimal point and no thousands separators)`,
    ],
    ['no header', `${ok1}${ok2}`, 'bad.csv:1: the first line must be a header naming the columns (time,open,high,low,close,volume), but it looks like data: "2024-01-02,1,2,1,1.5,10"'],
    ['no time column', 'when,open,high,low,close\n1,1,1,1,1\n', "bad.csv:1: no time column: expected one named time, date, timestamp or datetime; found 'when', 'open', 'high', 'low', 'close'"],
    ['an unclosed quote', `${H}${ok1}"2024-01-03,1,2,1,1.5,10\n`, 'bad.csv:3: a quoted field is never closed (missing ")'],
    ['JSON instead of CSV', '{"bars": []}', 'bad.csv:1: this is not a CSV file: it looks like JSON (starts with "{").'],
  ];
  test.each(cases)('%s', (_name, csv, message) => {
    file('bad.csv', csv);
    const r = cli(['run', 'values.pine', '--data', 'bad.csv']);
    expect(expectOneLineFailure(r)).toBe(`evergreen: ${message}`);
  });

  test('a missing data file and a directory', () => {
    expect(expectOneLineFailure(cli(['run', 'values.pine', '--data', 'nope.csv']))).toBe("evergreen: cannot read the data file 'nope.csv': no such file");
    expect(expectOneLineFailure(cli(['run', 'values.pine', '--data', '.']))).toBe("evergreen: cannot read the data file '.': it is a directory");
  });
});

describe('compile errors', () => {
  const THREE = '//@version=6\nindicator("x")\nx = ta.sma(close, "abc")\ny = nope + 1\nplot(z)\n';
  const LINES = [
    "three.pine:3:5: E331: Cannot call 'ta.sma' with argument 'length'=`\"abc\"`: expected series int, got const string.",
    "three.pine:4:5: E301: Undeclared identifier 'nope'.",
    "three.pine:5:6: E301: Undeclared identifier 'z'.",
  ];

  test('check and run report the same three errors as file:line:col: code: message, exit 1', () => {
    file('three.pine', THREE);
    file('ok.csv', 'time,close\n2024-01-02,1\n');
    const c = cli(['check', 'three.pine']);
    expect(c.code).toBe(1);
    expect(c.out.trimEnd().split('\n')).toEqual(LINES);
    const r = cli(['run', 'three.pine', '--data', 'ok.csv']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toEqual([...LINES, 'evergreen: three.pine: 3 compile errors; nothing was run']);
  });

  test('check takes several files and fails when one has errors; warnings alone pass', () => {
    file('nov.pine', 'indicator("x")\nplot(close)\n');
    const w = cli(['check', 'nov.pine']);
    expect(w.code).toBe(0);
    expect(w.out).toBe('nov.pine:1:1: W301: No //@version annotation: compiling as Pine v6.\n');
    const both = cli(['check', 'nov.pine', 'three.pine']);
    expect(both.code).toBe(1);
    expect(both.out.trimEnd().split('\n')).toHaveLength(4);
  });
});

describe('inputs', () => {
  const SCRIPT = `//@version=6
indicator("inputs")
len = input.int(2, "Length", minval = 1, maxval = 3)
src = input.source(close, "Source")
c = input.color(color.red, "Line color")
tf = input.timeframe("60", "Higher TF")
on = input.bool(true, "On")
mode = input.string("a", "Mode", options = ["a", "b"])
sess = input.session("0930-1600", "Session")
plot(on ? ta.sma(src, len) : na, "sma")
plot(color.g(c), "green")
plot(color.t(c), "transp")
plot(timeframe.in_seconds(tf), "secs")
plot(mode == "a" ? 1 : 2, "mode")
`;
  const DATA = 'time,open,high,low,close\n2024-01-02,1,4,0,2\n2024-01-03,2,6,2,4\n2024-01-04,4,9,3,9\n';

  beforeAll(() => {
    file('inputs.pine', SCRIPT);
    file('inputs.csv', DATA);
  });

  const run = (...inputs: string[]): Result => cli(['run', 'inputs.pine', '--data', 'inputs.csv', ...inputs.flatMap((i) => ['--input', i])]);

  test('defaults, then overrides by variable name and by title', () => {
    const d = JSON.parse(run().out) as Plots;
    // sma(close, 2): (2+4)/2, (4+9)/2; color.red is #F23645 (green 0x36 = 54), opaque.
    expect(d.plots).toEqual({ sma: [null, 3, 6.5], green: [54, 54, 54], transp: [0, 0, 0], secs: [3600, 3600, 3600], mode: [1, 1, 1] });
    const byName = JSON.parse(run('len=3', 'src=hl2', 'c=#00FF80', 'tf=1D', 'mode=b').out) as Plots;
    // hl2 = 2, 4, 6; sma of 3 = 4 on the third bar.
    expect(byName.plots).toEqual({ sma: [null, null, 4], green: [255, 255, 255], transp: [0, 0, 0], secs: [86400, 86400, 86400], mode: [2, 2, 2] });
    const byTitle = JSON.parse(run('Length=3', 'Source=hl2', 'Line color=color.lime', 'Higher TF=240', 'On=FALSE').out) as Plots;
    // color.lime is #00E676 (green 0xE6 = 230).
    expect(byTitle.plots).toEqual({ sma: [null, null, null], green: [230, 230, 230], transp: [0, 0, 0], secs: [14400, 14400, 14400], mode: [1, 1, 1] });
    // #RRGGBBAA: alpha 0x00 is fully transparent.
    expect((JSON.parse(run('c=#00000000').out) as Plots).plots.transp).toEqual([100, 100, 100]);
  });

  const bad: Array<[string, string]> = [
    ['len=2.5', "Input 'len': expected an integer, got 2.5."],
    ['len=abc', `Input 'len': expected a number, got "abc".`],
    ['len=', "Input 'len': expected a number, got an empty value."],
    ['len=0', "Input 'len': 0 is below the minimum 1."],
    ['Length=4', "Input 'len': 4 is above the maximum 3."],
    ['src=foo', `Input 'src': expected one of open, high, low, close, volume, hl2, hlc3, ohlc4, hlcc4, got "foo".`],
    ['c=bluish', `Input 'c': expected a color like #FF5252, #FF525280 or red, got "bluish".`],
    ['tf=2X', `Input 'tf': expected a timeframe like 1, 15, 60, 1D, 1W or 1M, got "2X".`],
    ['on=yes', `Input 'on': expected true or false, got "yes".`],
    ['mode=c', `Input 'mode': "c" is not one of the options a, b.`],
    ['sess=9-17', `Input 'sess': Session "9-17": "9-17" is not a time range like "0930-1600".`],
    ['length=3', "Unknown input 'length' (the script's inputs: len, src, c, tf, on, mode, sess)."],
    ['len', "--input expects name=value, got 'len' (see 'evergreen run --help')"],
  ];
  test.each(bad)('--input %s is refused', (input, message) => {
    expect(expectOneLineFailure(run(input))).toBe(`evergreen: ${message}`);
  });

  test("a timeframe input's own options are taken as given, others still checked", () => {
    // A published script offers 'Auto' and '1H' and maps them itself; TradingView lists only those.
    file('tf-options.pine', `//@version=6
indicator("tf options")
tfIn = input.timeframe("Auto", "Intrabar", options = ["Auto", "1H", "D"])
plot(tfIn == "Auto" ? 1 : tfIn == "1H" ? 2 : 3, "which")
`);
    const which = (v: string): Result => cli(['run', 'tf-options.pine', '--data', 'inputs.csv', '--input', `Intrabar=${v}`]);
    expect((JSON.parse(which('1H').out) as Plots).plots.which).toEqual([2, 2, 2]);
    expect((JSON.parse(which('Auto').out) as Plots).plots.which).toEqual([1, 1, 1]);
    expect(expectOneLineFailure(which('7x'))).toBe(`evergreen: Input 'tfIn': expected a timeframe like 1, 15, 60, 1D, 1W or 1M, got "7x".`);
  });

  test('the same input twice under two names is refused', () => {
    expect(expectOneLineFailure(run('len=2', 'Length=3'))).toBe("evergreen: --input Length and --input len set the same input 'len'");
  });
});

describe('output', () => {
  const SCRIPT = `//@version=6
indicator("outputs", overlay = true)
plot(close, "Price, \\"last\\"")
plot(bar_index == 1 ? na : close)
plotshape(close > open, "Up", shape.triangleup)
plotchar(close < open, "", "x")
plotchar(bar_index, "Index", "i")
hline(1, "level")
bgcolor(color.red)
plotcandle(open, high, low, close, "Candle")
plot(open)
plot(high, "Price, \\"last\\"")
`;
  const DATA = 'time,open,high,low,close\n2024-01-02,1,3,1,2\n2024-01-03,2,2,0.5,1\n2024-01-04,1,3,1,3\n';

  beforeAll(() => {
    file('outputs.pine', SCRIPT);
    file('outputs.csv', DATA);
  });

  test('JSON: titles, untitled plots numbered plot0, plot1, ..., na as null, shapes as 1/0, candles as four series', () => {
    const r = cli(['run', 'outputs.pine', '--data', 'outputs.csv']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Plots;
    expect(j.bars).toBe(3);
    expect(j.plots).toEqual({
      'Price, "last"': [2, 1, 3],
      plot0: [2, null, 3],
      Up: [1, 0, 1],
      plot1: [0, 1, 0],
      Index: [0, 1, 2],
      'Candle.open': [1, 2, 1],
      'Candle.high': [3, 2, 3],
      'Candle.low': [1, 0.5, 1],
      'Candle.close': [2, 1, 3],
      plot2: [1, 2, 1],
      'Price, "last" #2': [3, 2, 3],
    });
  });

  test('CSV: a time column, titles escaped, empty cells for na; --out writes the file and nothing to stdout', () => {
    const r = cli(['run', 'outputs.pine', '--data', 'outputs.csv', '--format', 'csv', '--out', 'plots.csv']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(join(dir, 'plots.csv'), 'utf8')).toBe(
      'time,"Price, ""last""",plot0,Up,plot1,Index,Candle.open,Candle.high,Candle.low,Candle.close,plot2,"Price, ""last"" #2"\n' +
        '2024-01-02T00:00:00.000Z,2,2,1,0,0,1,3,1,2,1,3\n' +
        '2024-01-03T00:00:00.000Z,1,,0,1,1,2,2,0.5,1,2,2\n' +
        '2024-01-04T00:00:00.000Z,3,3,1,0,2,1,3,1,3,1,3\n',
    );
  });

  test('plotshape and plotarrow of a number series give the value, null for na; --out - is stdout', () => {
    file('shapes.pine', '//@version=6\nindicator("shapes")\nplotshape(close > open ? close : na, "s")\nplotarrow(close > open ? 1 : na, "a")\n');
    const r = cli(['run', 'shapes.pine', '--data', 'outputs.csv', '--out', '-']);
    expect(JSON.parse(r.out)).toEqual({ bars: 3, plots: { s: [2, null, 3], a: [1, null, 1] } });
  });

  test('log messages go to stderr, also those before a runtime error', () => {
    file('boom.pine', '//@version=6\nindicator("boom")\nlog.info("close {0}", close)\nif bar_index == 1\n    runtime.error("stop")\nplot(close)\n');
    const r = cli(['run', 'boom.pine', '--data', 'outputs.csv']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('[info] bar 0: close 2\n[info] bar 1: close 1\nevergreen: boom.pine:5:5: runtime error at bar 1: stop\n    at main (boom.pine:5:5)\n');
  });

  test('a failure after the data loaded is still one line: data warnings are held back', () => {
    file('line.csv', 'time,close\n2024-01-02,1\n2024-01-03,2\n');
    const r = cli(['run', 'outputs.pine', '--data', 'line.csv', '--input', 'nope=1']);
    expect(expectOneLineFailure(r)).toBe("evergreen: Unknown input 'nope' (the script's inputs: none).");
    const ok = cli(['run', 'outputs.pine', '--data', 'line.csv']);
    expect(ok.err).toBe('evergreen: warning: line.csv:1: no open, high or low columns: each bar uses close for all four prices\n');
  });

  test('a symbol file with an error is named', () => {
    file('bad.toml', 'x = 1\n');
    const r = cli(['run', 'outputs.pine', '--data', 'outputs.csv', '--symbol', 'bad.toml']);
    expect(expectOneLineFailure(r)).toMatch(/^evergreen: bad\.toml: symbol file line 1/);
  });

  test('an output file in a folder that does not exist is one clear line', () => {
    const r = cli(['run', 'outputs.pine', '--data', 'outputs.csv', '--out', 'no/such/dir/plots.json']);
    expect(expectOneLineFailure(r)).toBe("evergreen: cannot write the output 'no/such/dir/plots.json': its folder does not exist");
  });
});

describe('help, flags and files', () => {
  test('--help and <command> --help print usage on stdout and exit 0', () => {
    for (const args of [['--help'], ['-h'], ['help'], ['run', '--help'], ['check', '--help'], ['inspect', '--help'], ['help', 'run']]) {
      const r = cli(args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^(evergreen \S+: |Usage: evergreen )/);
      expect(r.err).toBe('');
    }
    expect(cli(['run', '--help']).out).toContain('--save-at <bar>');
  });

  test('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(cli(['--version'])).toEqual({ code: 0, out: `evergreen ${version}\n`, err: '' });
  });

  test('no arguments: usage on stderr, exit 1', () => {
    const r = cli([]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^Usage:\n/);
  });

  test('unknown commands and flags, missing values and files are one line each', () => {
    file('v.csv', 'time,open,high,low,close\n2024-01-02,1,1,1,1\n');
    const cases: Array<[string[], string]> = [
      [['frobnicate'], "evergreen: unknown command 'frobnicate' (see 'evergreen --help')"],
      [['run', 'values.pine', '--data', 'v.csv', '--bogus'], "evergreen: unknown option '--bogus' for run (see 'evergreen run --help')"],
      [['run', 'values.pine', '--data', 'v.csv', '-x'], "evergreen: unknown option '-x' for run (see 'evergreen run --help')"],
      [['run', 'values.pine', '--data'], "evergreen: --data needs a value (see 'evergreen run --help')"],
      [['run', 'values.pine'], "evergreen: run needs --data <bars.csv> (see 'evergreen run --help')"],
      [['run', '--data', 'v.csv'], "evergreen: run needs a script file (see 'evergreen run --help')"],
      [['run', 'values.pine', '--data', 'v.csv', '--format', 'xml'], "evergreen: --format must be json or csv, got 'xml' (see 'evergreen run --help')"],
      [['run', 'values.pine', '--data', 'v.csv', '--save-at', '0'], "evergreen: --save-at needs --save <file> or --export <file> (see 'evergreen run --help')"],
      [['run', 'values.pine', '--data', 'v.csv', '--save-at', '-1', '--save', 'x.evgs'], "evergreen: --save-at expects a bar index (0 or more), got '-1' (see 'evergreen run --help')"],
      [['run', 'values.pine', '--data', 'v.csv', '--save-at', '1', '--save', 'x.evgs'], 'evergreen: --save-at 1 is outside the bars run (0 to 0)'],
      [['run', 'values.pine', '--data', 'v.csv', '--timeframe', 'zz'], "evergreen: unknown timeframe 'zz' (e.g. 1, 15, 60, 1D, 1W, 1M) (see 'evergreen run --help')"],
      [['run', 'missing.pine', '--data', 'v.csv'], "evergreen: cannot read the script 'missing.pine': no such file"],
      [['check', 'missing.pine'], "evergreen: cannot read the script 'missing.pine': no such file"],
      [['check'], "evergreen: check needs a script file (see 'evergreen check --help')"],
      [['inspect'], "evergreen: inspect takes one snapshot file (see 'evergreen inspect --help')"],
      [['inspect', 'missing.evgs'], "evergreen: cannot read the snapshot 'missing.evgs': no such file"],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err.trimEnd(), args.join(' ')).toBe(message);
    }
    expect(existsSync(join(dir, 'x.evgs'))).toBe(false);
  });

  test('--flag=value spelling works like --flag value', () => {
    file('v2.csv', 'time,close\n2024-01-02,1\n2024-01-03,2\n');
    const r = cli(['run', 'values.pine', '--data=v2.csv', '--format=csv']);
    expect(r.out).toBe('time,c,v,t\n2024-01-02T00:00:00.000Z,1,,1704153600000\n2024-01-03T00:00:00.000Z,2,,1704240000000\n');
  });
});

describe('snapshots: resume on the wrong script or data, inspect on bad files', () => {
  const eur = join(FIX, 'eurusd-1h-2022-2025.csv');
  const SCRIPT = `//@version=6
indicator("ema and a counter")
var n = 0
n += 1
e = ta.ema(close, 10)
plot(e, "ema")
plot(n, "n")
`;
  let straight: Plots;

  beforeAll(() => {
    file('ema.pine', SCRIPT);
    file('other.pine', SCRIPT.replace('ta.ema(close, 10)', 'ta.ema(close, 11)'));
    straight = JSON.parse(cli(['run', 'ema.pine', '--data', eur]).out) as Plots;
    const saved = cli(['run', 'ema.pine', '--data', eur, '--save-at', '5000', '--save', 's.evgs']);
    expect(saved.code).toBe(0);
  });

  test('resuming on a file holding only the bars after the snapshot continues bar_index and the values', () => {
    // The fixture's data rows 5001.. (file lines 5003..), with the header.
    const lines = readFileSync(eur, 'utf8').trimEnd().split('\n');
    file('new-bars.csv', [lines[0], ...lines.slice(5002)].join('\n'));
    const r = cli(['run', 'ema.pine', '--data', 'new-bars.csv', '--resume', 's.evgs']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Plots;
    expect(j.bars).toBe(lines.length - 1 - 5001);
    expect(j.plots.n?.[0]).toBe(5002); // bar 5001 is the 5002nd bar
    expect(j.plots.ema).toEqual(straight.plots.ema?.slice(5001));
  });

  test('a different script is a clear error', () => {
    const r = cli(['run', 'other.pine', '--data', eur, '--resume', 's.evgs']);
    expect(expectOneLineFailure(r)).toBe(
      'evergreen: s.evgs was saved from another script (or another version of it) than other.pine: resume it with the script it was saved with',
    );
  });

  test('data that neither holds the last bar nor starts after it is a clear error', () => {
    const lines = readFileSync(eur, 'utf8').trimEnd().split('\n');
    file('old-bars.csv', lines.slice(0, 4001).join('\n')); // bars 0..3999, all before the snapshot
    const r = cli(['run', 'ema.pine', '--data', 'old-bars.csv', '--resume', 's.evgs']);
    expect(expectOneLineFailure(r)).toBe(
      "evergreen: old-bars.csv does not continue the snapshot s.evgs: the snapshot's last bar (bar 5000) opened at 2022-10-20T09:00:00.000Z, but old-bars.csv has no bar at that time and does not start after it (its bars run from 2022-01-02T22:00:00.000Z to 2022-08-23T16:00:00.000Z)",
    );
  });

  test('--input, --timeframe and --symbol cannot change a snapshot', () => {
    for (const extra of [['--input', 'x=1'], ['--timeframe', '1D'], ['--symbol', 'x.toml']]) {
      const r = cli(['run', 'ema.pine', '--data', eur, '--resume', 's.evgs', ...extra]);
      expect(expectOneLineFailure(r)).toBe(`evergreen: ${extra[0]} cannot be combined with --resume: the snapshot carries its inputs, symbol and timeframe`);
    }
  });

  test('inspect: empty, foreign, truncated and bit-flipped files', () => {
    const good = readFileSync(join(dir, 's.evgs'));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['empty.evgs', Buffer.alloc(0), /^evergreen: empty\.evgs: Bad snapshot \(empty\): /],
      ['script.evgs', Buffer.from(SCRIPT), /^evergreen: script\.evgs: Bad snapshot \(bad-magic\): this is not an Evergreen snapshot/],
      ['half.evgs', good.subarray(0, good.length >> 1), /^evergreen: half\.evgs: Bad snapshot \(truncated\): the file has \d+ bytes, its header announces \d+$/],
      ['head.evgs', good.subarray(0, 10), /^evergreen: head\.evgs: Bad snapshot \(truncated\): the file ends inside the header \(10 of 44 bytes\)$/],
    ];
    for (const at of [4, 20, 44, 100, good.length >> 1, good.length - 5, good.length - 1]) {
      const b = Buffer.from(good);
      b[at] = (b[at] ?? 0) ^ 0x01;
      cases.push([`flip${at}.evgs`, b, new RegExp(`^evergreen: flip${at}\\.evgs: Bad snapshot \\((checksum-mismatch|unsupported-version|incompatible-vm|corrupt|truncated)\\): `)]);
    }
    for (const [name, bytes, want] of cases) {
      file(name, bytes);
      const r = cli(['inspect', name]);
      expect(expectOneLineFailure(r), name).toMatch(want);
      // The same file is refused by --resume, naming it.
      const res = cli(['run', 'ema.pine', '--data', eur, '--resume', name]);
      expect(expectOneLineFailure(res), name).toMatch(new RegExp(`^evergreen: ${name.replace('.', '\\.')}: Bad snapshot`));
    }
  });

  test('snapshots saved mid-bar, during a realtime bar or after a runtime error are refused by --resume', () => {
    file('tiny.csv', 'time,open,high,low,close\n2024-01-02,1,2,0,1\n2024-01-03,1,2,0,1.5\n2024-01-04,1,2,0,2\n');
    const source = '//@version=6\nindicator("t")\ns = 0.0\nfor i = 0 to 50\n    s += close\nif bar_index == 1 and close > 5\n    runtime.error("big")\nplot(s)\n';
    file('t.pine', source);
    const { program } = compile(source);
    if (!program) throw new Error('no program');
    const bar = (day: number, close: number) => ({ time: Date.UTC(2024, 0, day), open: 1, high: 2, low: 0, close, volume: NaN });

    const live = Instance.builder(program).timeframe('1D').build();
    live.runBar(bar(2, 1));
    live.updateBar(bar(3, 1.2));
    file('live.evgs', live.saveState());
    expect(expectOneLineFailure(cli(['run', 't.pine', '--data', 'tiny.csv', '--resume', 'live.evgs']))).toBe(
      'evergreen: live.evgs was saved while a realtime bar was open; the CLI resumes snapshots saved between bars',
    );

    const mid = Instance.builder(program).timeframe('1D').build();
    expect(mid.runBar(bar(2, 1), { budget: 20 }).status).toBe('yielded');
    file('mid.evgs', mid.saveState());
    expect(expectOneLineFailure(cli(['run', 't.pine', '--data', 'tiny.csv', '--resume', 'mid.evgs']))).toBe(
      'evergreen: mid.evgs was saved in the middle of a bar; the CLI resumes snapshots saved between bars',
    );

    const failed = Instance.builder(program).timeframe('1D').build();
    failed.runBar(bar(2, 1));
    expect(() => failed.runBar(bar(3, 9))).toThrow('big');
    file('failed.evgs', failed.saveState());
    expect(expectOneLineFailure(cli(['run', 't.pine', '--data', 'tiny.csv', '--resume', 'failed.evgs']))).toBe(
      'evergreen: failed.evgs was saved after a runtime error stopped the script; there is nothing to resume',
    );
  });

  test('inspect on the good file shows the variables', () => {
    const r = cli(['inspect', 's.evgs']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}n +5001 +\(/); // var n counts bars 0..5000
    expect(r.out).toContain('last bar       5000 (opened 2022-10-20T09:00:00.000Z)');
  });

  test('resuming over more bars than the snapshot was saved with moves last_bar_index and barstate.islast to the new last bar', () => {
    file('last.pine', `//@version=6
indicator("last")
plot(last_bar_index, "lbi")
plot(barstate.islast ? 1 : 0, "islast")
`);
    const rows = ['2024-01-01,1,2,0.5,1.5', '2024-01-02,1,2,0.5,1.5', '2024-01-03,1,2,0.5,1.5', '2024-01-04,1,2,0.5,1.5', '2024-01-05,1,2,0.5,1.5'];
    file('three.csv', ['time,open,high,low,close', ...rows.slice(0, 3)].join('\n') + '\n');
    file('five.csv', ['time,open,high,low,close', ...rows].join('\n') + '\n');
    expect(cli(['run', 'last.pine', '--data', 'three.csv', '--save-at', '1', '--save', 'last.evgs']).code).toBe(0);
    const r = cli(['run', 'last.pine', '--data', 'five.csv', '--resume', 'last.evgs']);
    expect(r.code).toBe(0);
    // Bars 2, 3, 4 run; the chart's last bar is now bar 4.
    expect(JSON.parse(r.out)).toEqual({ bars: 3, plots: { lbi: [4, 4, 4], islast: [0, 0, 1] } });
  });

  test('inspect shows number, string and array variables with their values', () => {
    file('kinds.pine', `//@version=6
indicator("kinds")
names = array.from("x", "y")
ones = array.new<float>(2, 1.5)
label = "hi"
twice = close * 2
plot(twice)
`);
    file('kinds.csv', 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1.5,3,1,2.25\n');
    expect(cli(['run', 'kinds.pine', '--data', 'kinds.csv', '--save', 'kinds.evgs']).code).toBe(0);
    const r = cli(['inspect', 'kinds.evgs']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}names +array\(2\) \["x", "y"\]/);
    expect(r.out).toMatch(/\n {2}ones +array\(2\) \[1\.5, 1\.5\]/);
    expect(r.out).toMatch(/\n {2}label +"hi"/);
    expect(r.out).toMatch(/\n {2}twice +4\.5 /); // last close 2.25 * 2
  });
});

// The engine's session and library: opening the session (the saved one, or what the page's URL
// asks for), the scripts (samples seeded on first use, new, renamed, found by source), the datasets
// (built-in, imported CSV files), compiling the open script and the identity of the run it makes.

import { carriedDatasetId, compile, inferTimeframe, parseBarsCsv, ParseError, readSymbolToml, SymbolFileError, tickerFromFileName, tickerOf, type Program } from '../../vm/index.js';
import { forgetDataset, setChartDataset } from './engine-data.js';
import type { ScriptRecord } from '../store/schema.js';
import { librarySources } from './libraries.js';
import { builtinDatasets, DEFAULT_DATASET_ID, loadBuiltin, loadStored, storedDatasetInfo, type LoadedDataset } from './datasets.js';
import { hashText } from './hash.js';
import { resolveInputs, runKeyOf } from './run-config.js';
import { BLANK_SCRIPT, SAMPLE_SCRIPTS, fetchSample } from './samples.js';
import { newId } from './checkpoint.js';
import { mark } from '../marks.js';
import { ChartTimeframeError, resampleLoaded, splitChartTimeframe } from './chart-timeframe.js';
import { calcBarsNote, calcBarsView } from './calc-bars.js';
import type { CompileInfo, DatasetInfo, ImportResult, InitOptions, SessionView } from './protocol.js';
import { EngineCore, defaultSession, errorMessage, programInfo, splitStrategyProps, type RunIdentity } from './engine-core.js';
import type { InputValue } from '../../vm/index.js';

export abstract class EngineLibrary extends EngineCore {
  /** Opens the session's script over its dataset (the history run's part). */
  protected abstract openCurrent(restore: boolean): Promise<void>;

  protected async open(opts: InitOptions): Promise<SessionView> {
    this.baseUrl = opts.baseUrl;
    this.hold = opts.hold ?? null;
    const opening = this.openStore();
    // A built-in dataset named by the page is built (synthetic bars take a while) while the
    // store opens and the session and checkpoints are read.
    // Not synthetic bars when a checkpoint may be restored: generating them blocks the worker
    // (~0.4 s for 1M), and a restore draws its chart from the candles stored with the checkpoint
    // first; they are generated after that, or when the run needs them.
    if (opts.datasetId && (opts.restore === false || !opts.datasetId.startsWith('synthetic:'))) {
      this.busy();
      const ds = loadBuiltin(opts.datasetId, this.baseUrl);
      ds.catch(() => undefined);
      this.preload = { id: opts.datasetId, ds };
    }
    this.storeRef = await opening;
    mark('w:idb-open');
    let scripts = await this.store.listScripts();
    if (scripts.length === 0) {
      await this.seedSamples();
      scripts = await this.store.listScripts();
    }
    const saved = await this.store.getSession();
    const first = scripts.find((s) => s.sample === SAMPLE_SCRIPTS[0]?.file) ?? scripts[0];
    if (!first) throw new Error('No script to open.');
    this.session = saved && scripts.some((s) => s.id === saved.scriptId) ? saved : defaultSession(first.id);
    if (opts.sample) {
      const fromSample = scripts.find((s) => s.sample === opts.sample) ?? (await this.createScript(opts.sample));
      this.session.scriptId = fromSample.id;
    }
    if (opts.datasetId && opts.datasetId !== this.session.datasetId) {
      this.session.datasetId = opts.datasetId;
      this.session.replay = { ...this.session.replay, from: null, playing: false };
    }
    this.script = (await this.store.getScript(this.session.scriptId)) ?? first;
    mark('w:session-read');
    await this.saveSession();
    const restore = opts.restore !== false;
    this.exclusive(() => this.openCurrent(restore)).catch((e: unknown) => this.notice('error', 'internal', `Opening the session failed: ${errorMessage(e)}`));
    return this.sessionView();
  }

  protected async seedSamples(): Promise<void> {
    for (const s of SAMPLE_SCRIPTS) {
      try {
        await this.createScript(s.file);
      } catch (e) {
        this.notice('warning', 'sample', errorMessage(e));
      }
    }
    if ((await this.store.listScripts()).length === 0) {
      const t = Date.now();
      await this.store.putScript({ id: newId(), name: 'My script', source: BLANK_SCRIPT, createdAt: t, updatedAt: t, sample: null });
    }
  }

  protected async createScript(sample: string | null): Promise<ScriptRecord> {
    const spec = SAMPLE_SCRIPTS.find((s) => s.file === sample);
    const source = spec ? await fetchSample(spec.file, this.baseUrl) : BLANK_SCRIPT;
    const t = Date.now();
    const existing = await this.store.listScripts();
    let name = spec ? spec.name : 'My script';
    for (let k = 2; existing.some((s) => s.name === name); k++) name = `${spec ? spec.name : 'My script'} (${k})`;
    const rec: ScriptRecord = { id: newId(), name, source, createdAt: t, updatedAt: t, sample: spec ? spec.file : null };
    await this.store.putScript(rec);
    return rec;
  }

  protected async datasetList(): Promise<DatasetInfo[]> {
    const stored = await this.store.listDatasets();
    const list = builtinDatasets();
    const loaded = this.dataset?.info;
    const merged = list.map((d) => (loaded && loaded.id === d.id ? loaded : d));
    return [...merged, ...stored.map(storedDatasetInfo)];
  }

  protected async sessionView(): Promise<SessionView> {
    const script = this.script;
    if (!script) throw new Error('No script is open.');
    const scripts = await this.store.listScripts();
    return {
      scriptId: script.id,
      scriptName: script.name,
      source: script.source,
      datasetId: this.session.datasetId,
      inputs: this.session.inputs[script.id] ?? {},
      replay: this.replayState(),
      scripts: scripts.map((s) => ({ id: s.id, name: s.name, updatedAt: s.updatedAt, sample: s.sample })),
      datasets: await this.datasetList(),
      samples: SAMPLE_SCRIPTS.map((s) => s.file),
    };
  }

  protected async pushSession(): Promise<SessionView> {
    const view = await this.sessionView();
    this.send({ type: 'session', session: view });
    return view;
  }

  // ---- opening what the session names ----

  protected async ensureDataset(): Promise<LoadedDataset> {
    const id = this.session.datasetId;
    if (this.dataset && this.dataset.info.id === id) return this.dataset;
    this.send({ type: 'progress', runId: this.runSeq, phase: 'loading', done: 0, total: 0, barsPerSecond: 0 });
    try {
      const ds = await this.loadDataset(id);
      this.dataset = ds;
      setChartDataset(ds);
      return ds;
    } catch (e) {
      // A chart timeframe its bars cannot make (a stored session, a ?dataset= link): the dataset
      // at its own timeframe, not another dataset.
      const base = splitChartTimeframe(id).base;
      if (e instanceof ChartTimeframeError && base !== id) {
        const own = await this.loadDataset(base).catch(() => null);
        if (own) {
          this.notice('warning', 'chart-timeframe', e.message);
          this.session.datasetId = base;
          this.session.replay = { ...this.session.replay, from: null, playing: false };
          await this.saveSession();
          this.dataset = own;
          setChartDataset(own);
          return own;
        }
      }
      this.notice('error', 'dataset', `${errorMessage(e)} Opening the sample dataset instead.`);
      this.session.datasetId = DEFAULT_DATASET_ID;
      this.session.replay = { ...this.session.replay, from: null, playing: false };
      await this.saveSession();
      const ds = await this.loadDataset(DEFAULT_DATASET_ID);
      this.dataset = ds;
      setChartDataset(ds);
      return ds;
    }
  }

  protected async loadDataset(id: string): Promise<LoadedDataset> {
    const pre = this.preload;
    this.preload = null;
    const early = pre && pre.id === id ? await pre.ds.catch(() => null) : null;
    if (early) return early;
    const tf = splitChartTimeframe(id);
    if (tf.tf !== null) return resampleLoaded(await this.loadDataset(tf.base), tf.tf, id);
    this.busy();
    const builtin = await loadBuiltin(id, this.baseUrl);
    if (builtin) return builtin;
    const meta = await this.store.getDataset(id);
    const bars = meta ? await this.store.getDatasetBars(id) : undefined;
    if (!meta || !bars) throw new Error(`The dataset '${id}' is not in this browser's storage.`);
    return loadStored(meta, bars);
  }

  protected async compileCurrent(): Promise<CompileInfo> {
    const script = this.script;
    if (!script) throw new Error('No script is open.');
    const libraries = librarySources(script.source, await this.store.listScripts());
    const libKey = libraries.join('\u0000');
    if (!this.compiled || this.compiled.source !== script.source || this.compiled.libKey !== libKey) {
      const source = script.source;
      const { program, diagnostics } = compile(source, { libraries });
      this.compiled = { source, libKey, program, diagnostics };
    }
    const c = this.compiled;
    const info: CompileInfo = { diagnostics: c.diagnostics, program: c.program ? programInfo(c.program) : null };
    this.send({ type: 'compiled', info });
    return info;
  }

  /** The dataset `program` runs on (its last calc_bars_count bars: calc-bars.ts), told to the page
   * when that is not the whole dataset. */
  protected runDataset(ds: LoadedDataset, program: Program): LoadedDataset {
    const view = calcBarsView(ds, program);
    const note = calcBarsNote(ds, view, program);
    if (note) this.notice('info', 'calc-bars-count', note);
    return view;
  }

  protected replayFromFor(ds: { bars: { length: number } }): number | null {
    const f = this.session.replay.from;
    return f !== null && f >= 1 && f < ds.bars.length ? f : null;
  }

  /** The run the session opens for `program` over a dataset (its id and length are all it needs). */
  protected identity(program: Program, ds: { info: { id: string }; bars: { length: number } }): RunIdentity {
    const script = this.script;
    if (!script) throw new Error('No script is open.');
    // strategy: the tester's properties apart from the inputs; both make the run's identity.
    const { inputs, props } = splitStrategyProps(this.session.inputs[script.id] ?? {});
    const resolved = resolveInputs(program.inputs, inputs);
    const replayFrom = this.replayFromFor(ds);
    const sourceHash = hashText(script.source);
    const keyed: Record<string, InputValue> = { ...resolved.values };
    for (const [k, v] of Object.entries(props)) keyed[`strategy:${k}`] = v;
    const runKey = runKeyOf({ sourceHash, inputs: keyed, datasetId: ds.info.id, replayFrom });
    return { script, resolved, replayFrom, sourceHash, runKey, props };
  }

  protected async scriptForSource(source: string, preferId: string, name: string): Promise<ScriptRecord> {
    const hash = hashText(source);
    const scripts = await this.store.listScripts();
    const same = scripts.find((s) => s.id === preferId && hashText(s.source) === hash) ?? scripts.find((s) => hashText(s.source) === hash);
    if (same) return same;
    const t = Date.now();
    let n = `${name} (from checkpoint)`;
    for (let k = 2; scripts.some((s) => s.name === n); k++) n = `${name} (from checkpoint ${k})`;
    const rec: ScriptRecord = { id: newId(), name: n, source, createdAt: t, updatedAt: t, sample: null };
    await this.store.putScript(rec);
    return rec;
  }

  /** A symbol file (TOML, as the CLI's --symbol: exchange, timezone, sessions) for the imported
   * datasets of its ticker: stored with them, so their days, weeks and months (the timeframe
   * buttons, request.security) follow its sessions. Their checkpoints ran with the old symbol and
   * are deleted. Returns the ids of the datasets it applies to. */
  protected async importSymbolFile(fileName: string, bytes: Uint8Array): Promise<{ result: ImportResult; ids: string[] }> {
    const fail = (message: string) => ({ result: { ok: false, message, datasetId: null }, ids: [] });
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return fail(`${fileName} is not a UTF-8 text file: nothing was imported.`);
    }
    let ticker: string;
    try {
      ticker = tickerOf(readSymbolToml(text).symbol.ticker);
    } catch (e) {
      if (e instanceof SymbolFileError) return fail(`${fileName}: ${e.message} — nothing was imported.`);
      return fail(`${fileName}: ${errorMessage(e)} — nothing was imported.`);
    }
    const metas = await this.store.listDatasets();
    const targets = metas.filter((m) => tickerFromFileName(m.fileName) === ticker);
    if (targets.length === 0) {
      const have = [...new Set(metas.map((m) => tickerFromFileName(m.fileName)))];
      return fail(`${fileName} describes ${ticker}, and no imported dataset has that ticker${have.length > 0 ? ` (this browser has ${have.join(', ')})` : ''}: import its bars first (a CSV file named ${ticker}.csv), then the symbol file.`);
    }
    const ids = targets.map((m) => m.id);
    let dropped = 0;
    try {
      for (const m of targets) await this.store.putDatasetMeta({ ...m, symbolToml: text });
      for (const s of await this.store.listSnapshots()) {
        if (!ids.includes(splitChartTimeframe(s.datasetId).base)) continue;
        await this.store.deleteSnapshot(s.id);
        dropped++;
      }
    } catch (e) {
      return fail(errorMessage(e));
    }
    for (const id of ids) forgetDataset(id);
    if (this.dataset && ids.includes(splitChartTimeframe(this.dataset.info.id).base)) this.dataset = null;
    const names = targets.map((m) => m.name).join(', ');
    const cps = dropped > 0 ? ` Its ${dropped} checkpoint${dropped === 1 ? '' : 's'}, made with the old symbol, ${dropped === 1 ? 'was' : 'were'} deleted.` : '';
    return { result: { ok: true, message: `Applied ${fileName} (${ticker}) to ${names}: its timezone and sessions now set the days, weeks and months.${cps}`, datasetId: null }, ids };
  }

  /** Parses a CSV file and stores it as a dataset (the facade then opens it). */
  protected async importCsvFile(fileName: string, bytes: Uint8Array): Promise<ImportResult> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, message: `${fileName} is not a UTF-8 text file: nothing was imported.`, datasetId: null };
    }
    let parsed;
    try {
      this.busy();
      parsed = parseBarsCsv(text, { name: fileName });
    } catch (e) {
      if (e instanceof ParseError) return { ok: false, message: `${e.message} — nothing was imported.`, datasetId: null };
      return { ok: false, message: `${fileName}: ${errorMessage(e)} — nothing was imported.`, datasetId: null };
    }
    const { bars, warnings } = parsed;
    if (bars.length === 0) return { ok: false, message: `${fileName} has a header but no bars: nothing was imported.`, datasetId: null };
    // Named by its content (as `evergreen run --export` names a data file's): the same file
    // imported twice is one dataset, and a checkpoint file made from it carries this id.
    const id = carriedDatasetId(bars);
    const name = fileName.replace(/\.(csv|tsv|txt)$/i, '') || fileName;
    try {
      await this.store.putDataset(
        {
          id,
          name,
          fileName,
          length: bars.length,
          firstTime: bars.time[0] as number,
          lastTime: bars.time[bars.length - 1] as number,
          timeframe: inferTimeframe(bars),
          warnings,
          createdAt: Date.now(),
        },
        { id, time: bars.time, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume },
      );
    } catch (e) {
      return { ok: false, message: errorMessage(e), datasetId: null };
    }
    const warn = warnings.length > 0 ? ` Warnings: ${warnings.join(' ')}` : '';
    return { ok: true, message: `Imported ${fileName}: ${bars.length.toLocaleString('en-US')} bar${bars.length === 1 ? '' : 's'}.${warn}`, datasetId: id };
  }
}

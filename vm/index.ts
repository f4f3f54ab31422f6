// Evergreen's VM: the public API for hosts (the CLI, the web worker, tests). The page's main thread
// uses vm/values.ts instead (no compiler, no interpreter).
//
//   const { program, diagnostics } = compile(source);
//   const inst = Instance.builder(program).symbol(info).timeframe('1D').inputs({ len: 20 }).build();
//   for (const bar of bars) inst.runBar(bar);

export { compile, type CompileResult, type CompileOptions } from './compiler/compile.js';
export { computationFingerprint, presentationOnlyEdit, restoreWithProgram, type EditVerdict } from './compiler/presentation.js';
export { formatDiagnostic, LineMap, type Diagnostic } from './core/diagnostics.js';
export type { Program, OutputInfo, InputInfo, ScriptMeta } from './bytecode/program.js';
export { disassemble } from './bytecode/disasm.js';
export {
  Instance,
  InstanceBuilder,
  InstanceError,
  DEFAULT_SYMBOL,
  type Bar,
  type RunOptions,
  type RunResult,
  type RunBarsResult,
  type InputValue,
} from './runtime/instance.js';
// Other symbols' data for request.security (a host call: runtime/request-data.ts).
export type { DataRequest, RequestDataset } from './runtime/request-data.js';
export { runBarsAnswering, settle, type DataAnswer } from './runtime/request-host.js';
export { OutputStore, type OutputChunk } from './runtime/outputs.js';
export type { DrawingRecord, DrawingValue } from './builtins/draw/output.js';
export { PineRuntimeError, type PineRuntimeErrorData, type StackFrame } from './core/errors.js';
export type { SymbolInfo, TimeframeInfo, Limits, LogEntry, AlertEntry } from './core/runtime.js';
export { colorToCss, colorToHex, colorR, colorG, colorB, colorT, makeColor } from './core/color.js';
export { SnapshotError, type SnapshotErrorCode } from './snapshot/format.js';
export { inspectSnapshotBytes, formatSnapshotReport, type SnapshotReport } from './runtime/inspect.js';
export type { BarColumns } from './data/bars.js';
export { parseBarsCsv, ParseError, type ParsedBars } from './data/csv.js';
export { inferMintick, inferTimeframe, tickerFromFileName, tickerOf, csvSymbolInfo } from './data/infer.js';
export {
  encodeCheckpointFile,
  decodeCheckpointFile,
  CheckpointFileError,
  barsDigest,
  carriedDatasetId,
  checkpointInputs,
  checkpointScriptName,
  CHECKPOINT_FILE_FORMAT,
  CHECKPOINT_FILE_VERSION,
  type CheckpointFile,
  type CheckpointRun,
  type CheckpointRows,
  type CheckpointBars,
  type CheckpointInputValue,
} from './snapshot/checkpoint-file.js';
export { resampleBars, ResampleError } from './data/resample.js';
export { parseTimeframe, timeframeSeconds } from './builtins/time/timeframe.js';
export { syntheticBars, seededRandom, SYNTHETIC_START_MS, SYNTHETIC_STEP_MS } from './data/synthetic.js';
export { HOST_STEPS, type HostStep, type HostStepEntry, type BarInfo } from './runtime/bar-feed.js';
export type { ScriptState } from './core/state.js';
export { FUNCTIONS, allVariableNames, lookupVar, type SigType } from './builtins/registry.js';
export { QUAL_NAMES } from './core/types.js';
// strategy: backtest results of a strategy() instance, its trade list CSV and property overrides.
export { brokerOf, strategyReport, type StrategyReport, type TradeRow, type PerformanceSummary } from './builtins/strategy/report.js';
export { tradesCsv } from './builtins/strategy/trades-csv.js';
export { withStrategyProperties, strategyPropertiesOf, STRATEGY_PROPERTIES, type StrategyProperties } from './builtins/strategy/properties.js';
export { readSymbolToml, SymbolFileError, type SymbolFile } from './builtins/time/symbol-info.js';

// The inputs panel, generated from the script's input.* calls: one control per input (number with
// its min/max/step, checkbox, option list, source list, color with its opacity, date and time in
// UTC, timeframe and session checked before they are applied, text, text area), grouped as the
// script groups them. A change re-runs the script with the new values (or restores a checkpoint
// made with them).

import { memo, useEffect, useRef, useState } from 'react';
import type { InputInfo } from '../../../vm/index.js';
import { colorB, colorG, colorR, colorT, makeColor } from '../../../vm/values.js';
import { TIMEFRAMES, msToUtcField, textInputProblem, utcFieldToMs } from './input-values.js';
import type { InputValue } from '../../worker/protocol.js';
import { inputKey } from '../../worker/run-config.js';
import type { AppController } from '../controller.js';

const SOURCES = ['open', 'high', 'low', 'close', 'hl2', 'hlc3', 'ohlc4', 'hlcc4', 'volume'];

function toHex(c: number): string {
  const h = (n: number) => Math.max(0, Math.min(255, n)).toString(16).padStart(2, '0');
  return `#${h(colorR(c))}${h(colorG(c))}${h(colorB(c))}`;
}

function fromHex(hex: string, transp: number): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return makeColor((n >> 16) & 255, (n >> 8) & 255, n & 255, transp);
}

interface FieldProps {
  info: InputInfo;
  value: InputValue;
  onChange: (v: InputValue) => void;
}

function NumberField({ info, value, onChange }: FieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = () => {
    const v = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(v)) {
      setText(String(value));
      return;
    }
    let x = info.kind === 'int' ? Math.round(v) : v;
    if (info.minval !== null) x = Math.max(info.minval, x);
    if (info.maxval !== null) x = Math.min(info.maxval, x);
    setText(String(x));
    if (x !== value) onChange(x);
  };
  return (
    <input
      className="input-number"
      type="number"
      value={text}
      step={info.step ?? (info.kind === 'int' ? 1 : 'any')}
      min={info.minval ?? undefined}
      max={info.maxval ?? undefined}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

function Field({ info, value, onChange }: FieldProps) {
  if (info.options && info.options.length > 0) {
    return (
      <select value={String(value)} onChange={(e) => onChange(typeof info.defval === 'number' ? Number(e.target.value) : e.target.value)}>
        {info.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  }
  switch (info.kind) {
    case 'int':
    case 'float':
    case 'price':
      return <NumberField info={info} value={value} onChange={onChange} />;
    case 'bool':
      return <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'source':
      return (
        <select value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      );
    case 'color':
      return <ColorField value={value} onChange={onChange} />;
    case 'time':
      return <TimeField value={value} onChange={onChange} />;
    case 'text_area':
      return <TextField value={String(value)} onChange={onChange} multiline />;
    case 'timeframe':
      return <TextField value={String(value)} onChange={onChange} kind={info.kind} list="evergreen-timeframes" />;
    default:
      return <TextField value={String(value)} onChange={onChange} kind={info.kind} />;
  }
}

/** A color: the picker for red/green/blue and a field for its opacity (Pine's transparency is
 * 100 - opacity). An na default starts from opaque blue once the user picks something. */
function ColorField({ value, onChange }: { value: InputValue; onChange: (v: InputValue) => void }) {
  const c = typeof value === 'number' && !Number.isNaN(value) ? value : NaN;
  const transp = Number.isNaN(c) ? 0 : colorT(c);
  const hex = Number.isNaN(c) ? '#2962ff' : toHex(c);
  const opacity = Number.isNaN(c) ? '' : String(Math.round(100 - transp));
  // Shown while the user picks or types; applied (one run) when the picker closes, or on Enter or
  // leaving the opacity field, not on every step of a drag or keystroke.
  const [shownHex, setShownHex] = useState(hex);
  const [shownOpacity, setShownOpacity] = useState(opacity);
  useEffect(() => setShownHex(hex), [hex]);
  useEffect(() => setShownOpacity(opacity), [opacity]);
  const picker = useRef<HTMLInputElement>(null);
  const latest = useRef({ transp, c, onChange });
  latest.current = { transp, c, onChange };
  useEffect(() => {
    const el = picker.current;
    if (!el) return undefined;
    const commit = () => {
      const { transp: t, c: cur, onChange: apply } = latest.current;
      const next = fromHex(el.value, t);
      if (next !== cur) apply(next);
    };
    el.addEventListener('change', commit);
    return () => el.removeEventListener('change', commit);
  }, []);
  const commitOpacity = () => {
    const op = Number(shownOpacity);
    if (shownOpacity.trim() === '' || !Number.isFinite(op)) {
      setShownOpacity(opacity);
      return;
    }
    const next = fromHex(hex, 100 - Math.max(0, Math.min(100, Math.round(op))));
    if (next !== c) onChange(next);
  };
  return (
    <span className="input-color">
      <input ref={picker} type="color" value={shownHex} aria-label="Color" onChange={(e) => setShownHex(e.target.value)} />
      <input
        type="number"
        className="input-opacity"
        min={0}
        max={100}
        step={1}
        value={shownOpacity}
        placeholder="na"
        aria-label="Opacity (%)"
        title="Opacity (%)"
        onChange={(e) => setShownOpacity(e.target.value)}
        onBlur={commitOpacity}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commitOpacity();
        }}
      />
    </span>
  );
}

/** A time (unix ms): a date and time of day, in UTC (what Pine's input.time shows as the chart's
 * time zone; the sample data and imports are in UTC). */
function TimeField({ value, onChange }: { value: InputValue; onChange: (v: InputValue) => void }) {
  const ms = typeof value === 'number' ? value : Number(value);
  const [text, setText] = useState(msToUtcField(ms));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText(msToUtcField(ms));
    setProblem(null);
  }, [ms]);
  const commit = (t: string) => {
    const v = utcFieldToMs(t);
    if (Number.isNaN(v)) {
      setProblem(`"${t}" is not a date and time`);
      return;
    }
    setProblem(null);
    if (v !== ms) onChange(v);
  };
  return (
    <span className="input-time">
      <input
        type="datetime-local"
        value={text}
        aria-invalid={problem !== null}
        title={problem ?? 'UTC'}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => commit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(text);
        }}
      />
      <span className="muted input-unit">UTC</span>
      {problem && <span className="input-problem" role="alert">{problem}</span>}
    </span>
  );
}

interface TextFieldProps {
  value: string;
  onChange: (v: InputValue) => void;
  kind?: InputInfo['kind'];
  multiline?: boolean;
  list?: string;
}

/** Text, a timeframe or a session: applied on Enter or when the field is left; a value the script
 * could not use (a timeframe or session that is not one) is refused here, saying why. */
function TextField({ value, onChange, kind = 'string', multiline = false, list }: TextFieldProps) {
  const [text, setText] = useState(value);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText(value);
    setProblem(null);
  }, [value]);
  const commit = () => {
    const why = textInputProblem(kind, text);
    setProblem(why);
    if (why === null && text !== value) onChange(kind === 'timeframe' || kind === 'session' ? text.trim() : text);
  };
  const common = {
    value: text,
    'aria-invalid': problem !== null,
    title: problem ?? undefined,
    onBlur: commit,
  };
  return (
    <span className="input-text">
      {multiline ? (
        <textarea
          {...common}
          rows={2}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit();
          }}
        />
      ) : (
        <input
          {...common}
          type="text"
          list={list}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
        />
      )}
      {problem && <span className="input-problem" role="alert">{problem}</span>}
    </span>
  );
}

interface InputsPanelProps {
  inputs: InputInfo[];
  saved: Record<string, InputValue>;
  controller: AppController;
  /** Where the values go (default: the editor's script; a script added to the chart has its own). */
  onSet?: (values: Record<string, InputValue>) => void;
  title?: string;
}

export const InputsPanel = memo(function InputsPanel({ inputs, saved, controller, onSet, title }: InputsPanelProps) {
  const apply = onSet ?? ((values: Record<string, InputValue>) => void controller.setInputs(values));
  const groups = new Map<string, InputInfo[]>();
  for (const i of inputs) {
    const g = i.group ?? '';
    groups.set(g, [...(groups.get(g) ?? []), i]);
  }
  const change = (info: InputInfo, v: InputValue) => {
    const next = { ...saved, [inputKey(info)]: v };
    if (v === info.defval) delete next[inputKey(info)];
    apply(next);
  };
  return (
    <section className="panel inputs-panel" aria-label="Inputs">
      <header className="panel-head">
        <h2>{title ?? 'Inputs'}</h2>
        {Object.keys(saved).length > 0 && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => apply({})}>
            Defaults
          </button>
        )}
      </header>
      <div className="panel-body">
        <datalist id="evergreen-timeframes">
          {TIMEFRAMES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        {inputs.length === 0 && <p className="muted empty">This script has no inputs.</p>}
        {[...groups.entries()].map(([g, list]) => (
          <fieldset key={g || '(none)'} className="input-group">
            {g && <legend>{g}</legend>}
            {list.map((info) => {
              const v = saved[inputKey(info)] ?? info.defval;
              return (
                <label key={info.id} className="input-row" title={info.tooltip ?? undefined} data-testid={`input-${inputKey(info)}`}>
                  <span className="input-label">{info.title || inputKey(info)}</span>
                  <Field info={info} value={v} onChange={(x) => change(info, x)} />
                </label>
              );
            })}
          </fieldset>
        ))}
      </div>
    </section>
  );
});

// The inputs panel, generated from the script's input.* calls: one control per input (number with
// its min/max/step, checkbox, option list, source list, color, text), grouped as the script groups
// them. A change re-runs the script with the new values (or restores a checkpoint made with them).

import { memo, useEffect, useState } from 'react';
import type { InputInfo } from '../../vm/index.js';
import { colorB, colorG, colorR, colorT, makeColor } from '../../vm/runtime/color-value.js';
import type { InputValue } from '../worker/protocol.js';
import type { AppController } from './controller.js';

const SOURCES = ['open', 'high', 'low', 'close', 'hl2', 'hlc3', 'ohlc4', 'hlcc4', 'volume'];

function keyOf(i: InputInfo): string {
  return i.varName ?? i.title;
}

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
    case 'color': {
      const c = typeof value === 'number' ? value : NaN;
      return Number.isNaN(c) ? (
        <span className="muted">na</span>
      ) : (
        <input type="color" value={toHex(c)} onChange={(e) => onChange(fromHex(e.target.value, colorT(c)))} />
      );
    }
    default:
      return <TextField value={String(value)} onChange={onChange} />;
  }
}

function TextField({ value, onChange }: { value: string; onChange: (v: InputValue) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <input
      type="text"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== value && onChange(text)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && text !== value) onChange(text);
      }}
    />
  );
}

interface InputsPanelProps {
  inputs: InputInfo[];
  saved: Record<string, InputValue>;
  controller: AppController;
}

export const InputsPanel = memo(function InputsPanel({ inputs, saved, controller }: InputsPanelProps) {
  const groups = new Map<string, InputInfo[]>();
  for (const i of inputs) {
    const g = i.group ?? '';
    groups.set(g, [...(groups.get(g) ?? []), i]);
  }
  const change = (info: InputInfo, v: InputValue) => {
    const next = { ...saved, [keyOf(info)]: v };
    if (v === info.defval) delete next[keyOf(info)];
    void controller.setInputs(next);
  };
  return (
    <section className="panel inputs-panel" aria-label="Inputs">
      <header className="panel-head">
        <h2>Inputs</h2>
        {Object.keys(saved).length > 0 && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void controller.setInputs({})}>
            Defaults
          </button>
        )}
      </header>
      <div className="panel-body">
        {inputs.length === 0 && <p className="muted empty">This script has no inputs.</p>}
        {[...groups.entries()].map(([g, list]) => (
          <fieldset key={g || '(none)'} className="input-group">
            {g && <legend>{g}</legend>}
            {list.map((info) => {
              const v = saved[keyOf(info)] ?? info.defval;
              return (
                <label key={info.id} className="input-row" title={info.tooltip ?? undefined} data-testid={`input-${keyOf(info)}`}>
                  <span className="input-label">{info.title || keyOf(info)}</span>
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

// The snapshot inspector: what a checkpoint holds, as `evergreen inspect` prints it (the VM's own
// report, read in the worker): its bar, symbol and timeframe, the size of each section, the inputs
// it was run with and every variable of the script with its value and type at that bar.

import { useEffect, useState } from 'react';
import type { CheckpointInspection } from '../../worker/protocol.js';
import type { AppController } from '../controller.js';

function size(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

export function SnapshotInspector({ id, controller }: { id: string; controller: AppController }) {
  const [info, setInfo] = useState<CheckpointInspection | null>(null);
  useEffect(() => {
    let live = true;
    setInfo(null);
    void controller.inspectSnapshot(id).then((r) => {
      if (live) setInfo(r ?? { id, bar: -1, size: 0, branch: '', report: null, text: '', problem: 'the engine did not answer', inputs: {} });
    });
    return () => {
      live = false;
    };
  }, [id, controller]);
  if (!info) return <div className="inspector muted" data-testid="snapshot-inspector" data-id={id} data-loading="1">Reading the checkpoint…</div>;
  const r = info.report;
  return (
    <div className="inspector" data-testid="snapshot-inspector" data-id={id}>
      {info.problem && (
        <p className="inspector-problem" role="alert" data-testid="inspector-problem">
          This checkpoint cannot be read: {info.problem}
        </p>
      )}
      {r && (
        <>
          <p className="inspector-head mono">
            {r.title} · bar {r.bar}
            {r.lastTime !== null ? ` (${new Date(r.lastTime).toISOString().slice(0, 10)})` : ''} · {r.symbol.tickerid} {r.timeframe} · VM {r.vmVersion}
            {r.flags.length > 0 ? ` · ${r.flags.join(', ')}` : ''}
          </p>
          <div className="inspector-grid">
            <table className="inspector-table">
              <caption>Sizes</caption>
              <tbody>
                {(
                  [
                    ['header', r.sizes.header],
                    ['program', r.sizes.program],
                    ['state', r.sizes.state],
                    ['outputs', r.sizes.outputs],
                    ['checksum', r.sizes.checksum],
                    ['total', r.sizes.total],
                  ] as [string, number | null][]
                ).map(([name, n]) => (
                  <tr key={name} data-testid="inspector-size" data-section={name} data-bytes={n ?? ''}>
                    <td>{name}</td>
                    <td className="mono num">{n === null ? 'not included' : size(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="inspector-table">
              <caption>Inputs</caption>
              <tbody>
                {r.inputs.length === 0 && (
                  <tr>
                    <td className="muted">none</td>
                  </tr>
                )}
                {r.inputs.map((i) => (
                  <tr key={i.name} data-testid="inspector-input" data-name={i.name} data-value={i.value}>
                    <td>{i.name}</td>
                    <td className="mono">{i.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="inspector-table inspector-vars">
              <caption>Variables</caption>
              <tbody>
                {r.variables.length === 0 && (
                  <tr>
                    <td className="muted">none</td>
                  </tr>
                )}
                {r.variables.map((v) => (
                  <tr key={v.name} data-testid="inspector-variable" data-name={v.name} data-value={v.value}>
                    <td>{v.name}</td>
                    <td className="mono">{v.value}</td>
                    <td className="muted">{v.type}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {r.runtimeError && <p className="inspector-problem">Runtime error: {r.runtimeError}</p>}
        </>
      )}
      <details>
        <summary>As `evergreen inspect` prints it</summary>
        <pre className="inspector-text" data-testid="inspector-text">
          {info.text}
        </pre>
      </details>
    </div>
  );
}

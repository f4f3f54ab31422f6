// The dataset picker: the built-in sample and synthetic datasets, the user's imported CSVs, an
// import button (file picker) and delete for imported ones. Drag-and-drop import is handled by
// DropZone over the whole app.

import { useRef } from 'react';
import type { AppController, AppState } from './controller.js';
import { splitDatasetId } from './timeframe-picker.js';

export function DatasetPicker({ state, controller }: { state: AppState; controller: AppController }) {
  const file = useRef<HTMLInputElement>(null);
  const s = state.session;
  if (!s) return null;
  const builtin = s.datasets.filter((d) => d.kind !== 'csv');
  const mine = s.datasets.filter((d) => d.kind === 'csv');
  // A chart timeframe (`id@1W`, timeframe-picker.tsx) is a view of the same dataset.
  const baseId = splitDatasetId(s.datasetId).base;
  const current = s.datasets.find((d) => d.id === baseId);
  return (
    <div className="dataset-picker">
      <select
        value={baseId}
        data-testid="dataset-select"
        aria-label="Dataset"
        title={current?.description}
        onChange={(e) => void controller.selectDataset(e.target.value)}
      >
        <optgroup label="Built in">
          {builtin.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </optgroup>
        {mine.length > 0 && (
          <optgroup label="Imported">
            {mine.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
                {d.length !== null ? ` (${d.length.toLocaleString('en-US')} bar${d.length === 1 ? '' : 's'})` : ''}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <button type="button" className="btn btn-small btn-ghost" title="Import bars from a CSV file (or drop one on the page)" onClick={() => file.current?.click()}>
        Import CSV…
      </button>
      {current?.kind === 'csv' && (
        <button type="button" className="btn btn-small btn-ghost btn-danger" title="Delete this imported dataset" onClick={() => void controller.deleteDataset(current.id)}>
          Delete
        </button>
      )}
      <input
        ref={file}
        type="file"
        accept=".csv,.tsv,.txt,.toml,text/csv"
        hidden
        data-testid="csv-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void controller.importCsv(f);
        }}
      />
    </div>
  );
}

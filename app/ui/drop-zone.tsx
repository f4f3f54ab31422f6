// Drag-and-drop over the whole page: a dropped .csv imports as a dataset, a dropped .evergreen
// file imports as a checkpoint, a dropped .toml as a symbol file for the datasets of its ticker.
// Shows an overlay while something is dragged over the page.

import { useEffect, useState, type ReactNode } from 'react';
import type { AppController } from './controller.js';

export function DropZone({ controller, children }: { controller: AppController; children: ReactNode }) {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const f = e.dataTransfer?.files[0];
      if (!f) return;
      if (/\.evergreen$/i.test(f.name)) void controller.importSnapshot(f);
      else void controller.importCsv(f);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, [controller]);
  return (
    <>
      {children}
      {over && (
        <div className="drop-overlay" data-testid="drop-overlay">
          <div className="drop-box">Drop a CSV file to import it as a dataset (or an .evergreen checkpoint, or a .toml symbol file)</div>
        </div>
      )}
    </>
  );
}

// Draggable splitters: between the editor and the chart (its width) and above the panels (their
// height). A drag (mouse, pen or touch) or the arrow keys move it; the sizes are kept in
// localStorage and set as CSS variables on the app's root (--editor-w, --panels-h).

import { useCallback, useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';

const KEY = 'evergreen.layout-sizes';

export interface PaneSizes {
  /** Editor width in px (null: the stylesheet's default). */
  editor: number | null;
  /** Panels height in px (null: the stylesheet's default). */
  panels: number | null;
}

export function loadSizes(): PaneSizes {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PaneSizes> | null;
    return { editor: typeof v?.editor === 'number' ? v.editor : null, panels: typeof v?.panels === 'number' ? v.panels : null };
  } catch {
    return { editor: null, panels: null };
  }
}

export function saveSizes(s: PaneSizes): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // storage full or disabled: sizes last for this page only
  }
}

interface SplitterProps {
  /** 'x': moves sideways (the editor's width); 'y': up and down (the panels' height). */
  axis: 'x' | 'y';
  testId: string;
  label: string;
  /** The size at the start of a drag (px), and the new size for a move of `delta` px. */
  current: () => number;
  onResize: (size: number) => void;
  min: number;
  max: () => number;
  /** Moving right/down makes the size grow (+1) or shrink (-1). */
  sign: 1 | -1;
}

export function Splitter({ axis, testId, label, current, onResize, min, max, sign }: SplitterProps) {
  const drag = useRef<{ start: number; size: number } | null>(null);
  const clamp = useCallback((v: number) => Math.round(Math.max(min, Math.min(max(), v))), [min, max]);
  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { start: axis === 'x' ? e.clientX : e.clientY, size: current() };
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const pos = axis === 'x' ? e.clientX : e.clientY;
    onResize(clamp(d.size + sign * (pos - d.start)));
  };
  const onUp = () => {
    drag.current = null;
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 50 : 10;
    const grow: Record<string, number> = axis === 'x' ? { ArrowRight: 1, ArrowLeft: -1 } : { ArrowDown: 1, ArrowUp: -1 };
    const dir = grow[e.key];
    if (!dir) return;
    e.preventDefault();
    onResize(clamp(current() + sign * dir * step));
  };
  useEffect(() => () => void (drag.current = null), []);
  return (
    <div
      className={`splitter splitter-${axis}`}
      role="separator"
      aria-orientation={axis === 'x' ? 'vertical' : 'horizontal'}
      aria-label={label}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={onUp}
      onPointerCancel={onUp}
      onKeyDown={onKey}
    />
  );
}

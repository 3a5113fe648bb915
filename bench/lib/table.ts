// Prints the rows as one plain-text table:
// benchmark | figure | baseline | ratio | goal | met?
import type { Figure, Row } from './result.js';

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)} k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatFigure(f: Figure): string {
  if (!Number.isFinite(f.value)) return '—';
  return f.unit ? `${formatNumber(f.value)} ${f.unit}` : formatNumber(f.value);
}

function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

function formatMet(met: boolean | null): string {
  return met === null ? '—' : met ? 'yes' : 'NO';
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'figure', 'baseline', 'ratio', 'goal', 'met?'];
  const cells = rows.map((r) => [
    r.benchmark,
    formatFigure(r.figure),
    r.baseline ? `${formatFigure(r.baseline)} (${r.baseline.label})` : '—',
    formatRatio(r.ratio),
    r.goal || '—',
    formatMet(r.met),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.benchmark}: ${r.note}`);
  return notes.length > 0 ? `${out.join('\n')}\n\nnotes:\n${notes.join('\n')}` : out.join('\n');
}

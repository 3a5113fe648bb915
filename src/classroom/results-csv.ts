// The teacher's export: one row per student, one column per question asked,
// and the score. RFC 4180 quoting; a cell starting with = + - @ gets a
// leading ' so a spreadsheet shows a student's name as text, never runs it.
import { score, type ClassState } from './class-model.js';

export function resultsCsv(state: ClassState, labelOf: (item: number, step: number) => string): string {
  const questions = Object.values(state.questions).sort((a, b) => a.item - b.item || a.step - b.step);
  const header = ['name', 'joined', ...questions.map((q) => labelOf(q.item, q.step)), 'right', 'asked'];
  const rows = Object.values(state.students)
    .sort((a, b) => a.joinedAt - b.joinedAt)
    .map((s) => {
      const { right, asked } = score(state, s.id);
      const cells = questions.map((q) => {
        const a = q.answers[s.id];
        if (!a) return '';
        const what = a.queues ? (a.queues.length ? a.queues.join(' ') : 'nowhere') : (a.text ?? '');
        return `${what} (${a.right ? 'right' : 'wrong'})`;
      });
      return [s.name, new Date(s.joinedAt).toISOString(), ...cells, String(right), String(asked)];
    });
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

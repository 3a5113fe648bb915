// The load run's figures as a few lines of text (printed by `npm run load`
// and by the CI test, and copied into the README).
import type { LatencySummary } from '../stats.js';
import type { ClassroomReport } from './classroom.js';

const ms = (s: LatencySummary | null) =>
  s ? `p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (${s.samples} samples)` : 'no samples';

export function formatReport(r: ClassroomReport): string {
  const c = r.chat;
  return [
    `${r.students} students in ${r.rooms} rooms, ${(r.durationMs / 1000).toFixed(0)} s after ${(r.joinMs / 1000).toFixed(1)} s of joining`,
    `chat: ${c.sent} messages sent, ${c.delivered}/${c.expectedDeliveries} deliveries, lost ${c.lost}, duplicated ${c.duplicated}, unexpected ${c.unexpected}`,
    `chat delivery (POST → recipient's WebSocket): ${ms(c.delivery)}`,
    `chat POST /api/chat/messages: ${ms(c.post)}`,
    `scenario play (GET /api/scenarios/:id/play, what a step costs): ${ms(r.scenario.play)}`,
    `scenario page (GET /scenarios/:id): ${ms(r.scenario.page)}`,
    r.memory
      ? `server memory: peak RSS ${r.memory.peakMb.toFixed(0)} MB (before the students: ${r.memory.beforeMb.toFixed(0)} MB)`
      : 'server memory: not measured',
    `requests resent after a keep-alive race (as browsers do): ${r.keepAliveRetries}`,
    `errors: ${r.errors.total}${r.errors.lines.length ? `\n  ${r.errors.lines.join('\n  ')}` : ''}`,
    ...(r.examples.length ? [`examples:\n  ${r.examples.join('\n  ')}`] : []),
  ].join('\n');
}

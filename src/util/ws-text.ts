import type { RawData } from 'ws';

/** A text WebSocket message as a string (ws hands it over as a Buffer, or fragments). */
export function wsText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

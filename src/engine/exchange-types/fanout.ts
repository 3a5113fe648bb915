// Fanout exchange (§6): every binding matches; key and arguments are ignored.
// Each queue still gets one copy per publish (the router de-duplicates).
import { ListIndex, type ExchangeTypeModule } from './exchange-type.js';

export const fanout: ExchangeTypeModule = {
  name: 'fanout',
  validateBinding: () => null,
  compile: () => ({}),
  explain: () => ({ matched: true, detail: { kind: 'fanout' } }),
  createIndex: () => new ListIndex(() => true),
};

// Headers matching (src/engine/exchange-types/headers.ts): docs/semantics.md §8 —
// x-match modes, which arguments take part, Erlang == on typed values,
// bind-time validation with RabbitMQ's wording, and the trace rows.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Binding } from '../../src/engine/exchange-types/exchange-type.js';
import { compileHeadersBinding, headers, headersMatch, validateXMatch } from '../../src/engine/exchange-types/headers.js';
import { compareKeys, erlangEquals, toWire } from '../../src/engine/field-values.js';
import type { FieldTable, FieldValue } from '../../src/engine/types.js';

const matches = (args: FieldTable, messageHeaders?: FieldTable) =>
  headersMatch(compileHeadersBinding(args), { routingKeys: [''], headers: messageHeaders });

function binding(args: FieldTable): Binding {
  return {
    source: 'h',
    destination: 'q',
    destinationType: 'queue',
    bindingKey: '',
    arguments: args,
    identity: 'b',
    ...headers.compile('', args),
  };
}

/** §8's exact algorithm (sorted merge of binding args and message headers), as the oracle. */
function referenceMatch(args: FieldTable, messageHeaders: FieldTable | undefined): boolean {
  const sorted = (t: FieldTable) =>
    Object.keys(t)
      .sort(compareKeys)
      .map((k) => [k, t[k]!] as const);
  let p = sorted(args);
  let d = sorted(messageHeaders ?? {});
  const mode = typeof args['x-match'] === 'string' ? args['x-match'] : 'all';
  const all = mode === 'all' || mode === 'all-with-x';
  let allOk = true;
  let anyOk = false;
  for (;;) {
    if (all && !allOk) return false;
    if (!all && anyOk) return true;
    if (p.length === 0) return all ? allOk : anyOk;
    const [pk, pv] = p[0];
    if (pk === 'x-match' || (pk.startsWith('x-') && (mode === 'all' || mode === 'any'))) {
      p = p.slice(1);
      continue;
    }
    if (d.length === 0) {
      allOk = false;
      p = [];
      continue;
    }
    const [dk, dv] = d[0];
    const order = compareKeys(pk, dk);
    if (order > 0) {
      d = d.slice(1);
      continue;
    }
    if (order < 0) {
      allOk = false;
      p = p.slice(1);
      continue;
    }
    if (pv === null || erlangEquals(toWire(pv), toWire(dv))) anyOk = true;
    else allOk = false;
    p = p.slice(1);
    d = d.slice(1);
  }
}

describe('headers exchange', () => {
  describe('x-match modes', () => {
    const args = { format: 'pdf', type: 'report' };
    it('all: matches when every argument matches', () => {
      assert.equal(matches({ 'x-match': 'all', ...args }, { format: 'pdf', type: 'report', extra: 1 }), true);
      assert.equal(matches({ 'x-match': 'all', ...args }, { format: 'pdf' }), false);
    });
    it('any: matches when one argument matches', () => {
      assert.equal(matches({ 'x-match': 'any', ...args }, { format: 'pdf' }), true);
      assert.equal(matches({ 'x-match': 'any', ...args }, { format: 'zip' }), false);
    });
    it('defaults to all when x-match is absent', () => {
      assert.equal(matches(args, { format: 'pdf' }), false);
      assert.equal(matches(args, { format: 'pdf', type: 'report' }), true);
    });
    it('matches every message, even without headers, when there is nothing to compare under all', () => {
      assert.equal(matches({}, undefined), true);
      assert.equal(matches({ 'x-match': 'all' }, {}), true);
      assert.equal(matches({ 'x-match': 'all-with-x' }, undefined), true);
      assert.equal(matches({ 'x-foo': 'bar' }, undefined), true);
    });
    it('matches no message when there is nothing to compare under any', () => {
      assert.equal(matches({ 'x-match': 'any' }, { a: 1 }), false);
      assert.equal(matches({ 'x-match': 'any-with-x' }, { a: 1 }), false);
      assert.equal(matches({ 'x-match': 'any', 'x-foo': 'bar' }, { 'x-foo': 'bar' }), false);
    });
    it('ignores x- arguments under all/any but compares them under all-with-x/any-with-x', () => {
      assert.equal(matches({ 'x-match': 'all', 'x-k': 'v' }, {}), true);
      assert.equal(matches({ 'x-match': 'all-with-x', 'x-k': 'v' }, {}), false);
      assert.equal(matches({ 'x-match': 'all-with-x', 'x-k': 'v' }, { 'x-k': 'v' }), true);
      assert.equal(matches({ 'x-match': 'any-with-x', 'x-k': 'v', a: 1 }, { 'x-k': 'v' }), true);
    });
    it('treats a message header named x-match as an ordinary header', () => {
      assert.equal(matches({ 'x-match': 'any', 'x-match-not': 1, k: 'x-match' }, { 'x-match': 'any' }), false);
      assert.equal(matches({ 'x-match': 'all-with-x', 'x-y': 'any' }, { 'x-match': 'all', 'x-y': 'any' }), true);
    });
    it('compares keys case-sensitively', () => {
      assert.equal(matches({ Format: 'pdf' }, { format: 'pdf' }), false);
    });
    it('ignores the routing key', () => {
      const spec = compileHeadersBinding({ a: '1' });
      assert.equal(headersMatch(spec, { routingKeys: ['anything'], headers: { a: '1' } }), true);
    });
  });

  describe('value equality (Erlang ==, §8 table)', () => {
    const long = (v: number) => ({ '!': 'long', value: v });
    const table: [string, FieldValue, FieldValue, boolean][] = [
      ['number 1 and number 1', 1, 1, true],
      ['1 (byte) and 1 as a long', 1, long(1), true],
      ['1 and 1.0 as a double', 1, { '!': 'double', value: 1 }, true],
      ['1 and 1 as a float', 1, { '!': 'float', value: 1 }, true],
      ['1 and timestamp 1', 1, { '!': 'timestamp', value: 1 }, true],
      ['300 (short) and 300 as a signed int', 300, { '!': 'int', value: 300 }, true],
      ['string "1" and number 1', '1', 1, false],
      ['bool true and string "true"', true, 'true', false],
      ['bool true and number 1', true, 1, false],
      ['bool false and number 0', false, 0, false],
      ['number 0 and number 0', 0, 0, true],
      ['"" and ""', '', '', true],
      ['"" and " "', '', ' ', false],
      [
        'decimal {0,1} and decimal {0,1}',
        { '!': 'decimal', value: { places: 0, digits: 1 } },
        { '!': 'decimal', value: { places: 0, digits: 1 } },
        true,
      ],
      [
        'decimal {1,10} and decimal {0,1}',
        { '!': 'decimal', value: { places: 1, digits: 10 } },
        { '!': 'decimal', value: { places: 0, digits: 1 } },
        false,
      ],
      ['table {n: 1} and table {n: 1}', { n: 1 }, { n: 1 }, true],
      ['table {n: 1 (byte)} and table {n: 1 as a long}', { n: 1 }, { n: long(1) }, false],
      ['table {a:1,b:2} and table {b:2,a:1} (nested order counts)', { a: 1, b: 2 }, { b: 2, a: 1 }, false],
      ['array [1] and array [1]', [1], [1], true],
      ['array [1 (byte)] and array [1 as a long]', [1], [long(1)], false],
      ['array [1,2] and array [2,1]', [1, 2], [2, 1], false],
      ['1.5 and 1.5', 1.5, 1.5, true],
      ['2147483647 and 2147483647.5', 2147483647, 2147483647.5, false],
    ];
    for (const [label, bindingValue, headerValue, expected] of table) {
      it(`${expected ? 'matches' : 'does not match'} ${label}`, () => {
        assert.equal(matches({ k: bindingValue }, { k: headerValue }), expected);
      });
    }
    it('treats a null binding value as a presence test, even for a null header', () => {
      assert.equal(matches({ k: null }, { k: 'anything' }), true);
      assert.equal(matches({ k: null }, { k: null }), true);
      assert.equal(matches({ k: null }, { j: 1 }), false);
    });
    it('never matches a null header with a non-null binding value', () => {
      assert.equal(matches({ k: 1 }, { k: null }), false);
      assert.equal(matches({ k: '' }, { k: null }), false);
    });
    it('types JSON numbers as amqplib does (byte, short, signedint, long, double)', () => {
      assert.deepEqual(
        [1, -129, 70000, 1e15, 1.5, 2 ** 64].map((n) => toWire(n).t),
        ['byte', 'short', 'signedint', 'long', 'double', 'double'],
      );
    });
  });

  describe('binding validation', () => {
    it('accepts all, any, all-with-x, any-with-x and no x-match', () => {
      for (const v of ['all', 'any', 'all-with-x', 'any-with-x']) assert.equal(validateXMatch({ 'x-match': v }), null);
      assert.equal(validateXMatch({ a: 1 }), null);
    });
    it('refuses another x-match string with 406 and RabbitMQ wording', () => {
      assert.deepEqual(validateXMatch({ 'x-match': 'ALL' }), {
        code: 406,
        text: 'PRECONDITION_FAILED',
        message: 'PRECONDITION_FAILED - Invalid x-match field value <<"ALL">>; expected all, any, all-with-x, or any-with-x',
      });
    });
    it('refuses an x-match that is not a string, naming its AMQP type', () => {
      assert.equal(
        validateXMatch({ 'x-match': 1 })?.message,
        'PRECONDITION_FAILED - Invalid x-match field type byte (value 1); expected longstr',
      );
      assert.equal(
        validateXMatch({ 'x-match': true })?.message,
        'PRECONDITION_FAILED - Invalid x-match field type bool (value true); expected longstr',
      );
      assert.equal(
        validateXMatch({ 'x-match': null })?.message,
        'PRECONDITION_FAILED - Invalid x-match field type void (value undefined); expected longstr',
      );
      assert.equal(
        validateXMatch({ 'x-match': ['all'] })?.message,
        'PRECONDITION_FAILED - Invalid x-match field type array (value [{longstr,<<"all">>}]); expected longstr',
      );
    });
  });

  describe('the trace', () => {
    it('gives one row per binding argument, sorted, with x-match and x- keys ignored under all', () => {
      const why = headers.explain(binding({ 'x-match': 'all', type: 'report', format: 'pdf', 'x-note': 'n' }), {
        routingKeys: [''],
        headers: { format: 'pdf', type: 'log' },
      });
      assert.equal(why.matched, false);
      assert.equal(why.detail.kind, 'headers');
      if (why.detail.kind !== 'headers') return;
      assert.deepEqual(
        why.detail.rows.map((r) => [r.key, r.result]),
        [
          ['format', 'match'],
          ['type', 'mismatch'],
          ['x-match', 'ignored'],
          ['x-note', 'ignored'],
        ],
      );
      assert.equal(why.detail.rows[1].message_value, 'log');
      assert.deepEqual(why.detail.verdict, {
        code: 'header-differs',
        key: 'type',
        compared: 2,
        x_match_given: true,
        ignored_x: ['x-note'],
      });
    });

    it('says which header made an any binding match', () => {
      const why = headers.explain(binding({ 'x-match': 'any', a: '1', b: '2' }), { routingKeys: [''], headers: { b: '2' } });
      assert.equal(why.matched, true);
      if (why.detail.kind !== 'headers') return;
      assert.deepEqual(
        why.detail.rows.map((r) => r.result),
        ['missing', 'match', 'ignored'],
      );
      assert.deepEqual(why.detail.verdict, { code: 'header-matches', key: 'b', compared: 2, x_match_given: true, ignored_x: [] });
    });
  });

  describe('the fast check agrees with the sorted-merge algorithm', () => {
    const key = fc.constantFrom('a', 'b', 'B', 'x-a', 'x-match', '', 'é', '😀');
    const value = fc.oneof(
      fc.constantFrom<FieldValue>(null, true, false, '', '1', 'a', 0, 1, 1.5, -1, 300, [1], [1, 2], { n: 1 }),
      fc.integer({ min: -3, max: 3 }),
    );
    const table = fc.dictionary(key, value, { maxKeys: 5 });
    const mode = fc.constantFrom(undefined, 'all', 'any', 'all-with-x', 'any-with-x');

    it('for random bindings and messages', () => {
      fc.assert(
        fc.property(table, mode, fc.option(table, { nil: undefined }), (args, xMatch, messageHeaders) => {
          const bound: FieldTable = { ...args };
          if (xMatch === undefined) delete bound['x-match'];
          else bound['x-match'] = xMatch;
          assert.equal(matches(bound, messageHeaders), referenceMatch(bound, messageHeaders));
          assert.equal(
            headers.explain(binding(bound), { routingKeys: [''], headers: messageHeaders }).matched,
            referenceMatch(bound, messageHeaders),
          );
        }),
        { numRuns: 3000 },
      );
    });
  });
});

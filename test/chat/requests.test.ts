import assert from 'node:assert/strict';
import { claimRequest, sendRequest } from '../../src/chat/requests.js';

function firstIssue(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  assert.equal(result.success, false);
  const issue = result.error!.issues[0];
  return [issue.path.join('.'), issue.message];
}

describe('chat requests (src/chat/requests.ts)', () => {
  it('takes a name, the lobby by default, and no inbox', () => {
    assert.deepEqual(claimRequest.parse({ name: ' Mehdi ' }), { name: 'Mehdi', room: 'lobby' });
  });

  it('normalises names to NFC, so both spellings of Zoë are one participant', () => {
    assert.equal(claimRequest.parse({ name: 'Zoe\u0308' }).name, 'Zo\u00eb');
  });

  it('refuses names that are missing, too long, or not words of a routing key', () => {
    assert.deepEqual(firstIssue(claimRequest.safeParse({})), ['name', 'chat.error.name-required']);
    assert.deepEqual(firstIssue(claimRequest.safeParse({ name: '  ' })), ['name', 'chat.error.name-required']);
    assert.deepEqual(firstIssue(claimRequest.safeParse({ name: 'x'.repeat(33) })), ['name', 'chat.error.name-too-long']);
    for (const name of ['a.b', 'a*', '#', 'a b', '<b>']) {
      assert.deepEqual(firstIssue(claimRequest.safeParse({ name })), ['name', 'chat.error.name-chars'], name);
    }
  });

  it('accepts the report queue names as inbox, and refuses the broker’s, the runs’ and the participants’', () => {
    assert.equal(claimRequest.parse({ name: 'Mehdi', inbox: 'task_queue1' }).inbox, 'task_queue1');
    assert.equal(claimRequest.parse({ name: 'Mehdi', inbox: '' }).inbox, undefined);
    assert.deepEqual(firstIssue(claimRequest.safeParse({ name: 'M', inbox: 'amq.gen-x' })), ['inbox', 'chat.error.queue-reserved']);
    assert.deepEqual(firstIssue(claimRequest.safeParse({ name: 'M', inbox: 'xtp.abc.q1' })), ['inbox', 'chat.error.queue-reserved']);
    assert.deepEqual(firstIssue(claimRequest.safeParse({ name: 'M', inbox: 'chat.Otana' })), ['inbox', 'chat.error.inbox-chat-prefix']);
    assert.deepEqual(firstIssue(claimRequest.safeParse({ name: 'M', inbox: 'a b' })), ['inbox', 'chat.error.queue-chars']);
  });

  it('refuses an empty message and one over 2000 characters', () => {
    const base = { id: 'm1', to: { kind: 'room' } };
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, text: ' \n ' })), ['text', 'chat.error.text-empty']);
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base })), ['text', 'chat.error.text-empty']);
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, text: 'x'.repeat(2001) })), ['text', 'chat.error.text-too-long']);
    assert.equal(sendRequest.parse({ ...base, text: '😀'.repeat(2000) }).text.length, 4000);
  });

  it('checks the recipient by its kind: a person by name rules, a queue by queue rules', () => {
    const base = { id: 'm1', text: 'hi' };
    assert.deepEqual(sendRequest.parse({ ...base, to: { kind: 'person', name: 'Otana' } }).to, { kind: 'person', name: 'Otana' });
    assert.deepEqual(sendRequest.parse({ ...base, to: { kind: 'queue', name: 'task_queue2' } }).to, { kind: 'queue', name: 'task_queue2' });
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, to: { kind: 'person', name: 'a.b' } })), [
      'to.name',
      'chat.error.to-name-chars',
    ]);
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, to: { kind: 'person' } })), ['to.name', 'chat.error.to-name-required']);
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, to: { kind: 'queue', name: 'xtp.secret.q' } })), [
      'to.name',
      'chat.error.queue-reserved',
    ]);
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, to: { kind: 'everyone' } })), ['to.kind', 'chat.error.to-kind']);
    assert.deepEqual(firstIssue(sendRequest.safeParse({ ...base, to: 'Otana' })), ['to', 'chat.error.to-kind']);
  });

  it('refuses a message id that is not one', () => {
    assert.deepEqual(firstIssue(sendRequest.safeParse({ id: 'a b', to: { kind: 'room' }, text: 'x' })), ['id', 'chat.error.id']);
  });
});

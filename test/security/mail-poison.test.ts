// Poison mail (issue 14, item 8), through SMTP into the sandbox mail system: nothing a sender can put in a
// message stops the inbox. Every stored record stays small, a 100,000-page PDF costs a worker thread a few
// seconds, what the MIME parser refuses is still readable through GET /v1/unmatched, and a message whose
// handling fails every time becomes a dead letter (listed for operators, counted) while later mail flows.
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { BSON } from 'mongodb';
import type { DocumentStore } from '../../domain/ports';
import { renderFolioPdf } from '../../sandbox/folio-pdf';
import { startTestInbox, testGuest, testHotel, waitUntil, type TestInbox } from '../helpers/inbox';
import { crowdDeliveryReport, manyPagePdf, manyPartMessage } from '../helpers/hostile-mail';
import { call, startApi, type ApiHandle } from '../helpers/api';
import { rawCollection } from '../helpers/raw-db';

const HOTEL = 'frontdesk@poison-quay.example';
const BSON_LIMIT = 16 * 1024 * 1024;

/** The document store refuses one content every time, as an object store with a broken key would: the message handling it always fails. */
function refusingOne(inner: DocumentStore, poison: Buffer): DocumentStore {
  return {
    save: (bytes, meta) => (bytes.equals(poison) ? Promise.reject(new Error('object store refused the write: InternalError')) : inner.save(bytes, meta)),
    read: (id) => inner.read(id),
  };
}

describe('security: poison mail never stops the inbox (item 8)', function () {
  this.timeout(240_000);
  let inbox: TestInbox;
  let api: ApiHandle;
  let thread: { messageId: string; token: string };
  let k = 0;
  const poisonPdf = Buffer.concat([manyPagePdf(2, 'poison'), Buffer.from('% refused by the store\n')]);
  const folio = 'folio:c1:p1';
  const anyone = () => nodemailer.createTransport({ host: '127.0.0.1', port: inbox.mail.smtpPort, secure: false, ignoreTLS: true });

  /** The hotel answers in the thread (signed), with a distinct folio each time. */
  async function genuineReply(attachments?: { filename: string; content: Buffer }[]): Promise<string> {
    const n = ++k;
    const messageId = `<reply-${n}@poison-quay.example>`;
    const content = await renderFolioPdf({ hotelName: 'Quay', guests: [{ firstName: 'Mia', lastName: 'Novak' }], arrival: '2026-10-01', departure: '2026-10-02', folioNumber: `Q-${n}`, confirmationNumber: 'PQ-1', currency: 'EUR', nightlyRate: 100 + n, taxRate: 0.1, layout: 'modern' });
    const t = inbox.mail.senders.transport(HOTEL);
    await t.sendMail({ from: HOTEL, to: `poison+${thread.token}@folio.test`, subject: 'Re: folio', inReplyTo: thread.messageId, references: [thread.messageId], messageId, text: 'attached', attachments: attachments ?? [{ filename: `folio-${n}.pdf`, content }] });
    return messageId;
  }
  const bsonSize = (doc: unknown) => (doc ? BSON.calculateObjectSize(doc as BSON.Document) : 0);

  before(async () => {
    inbox = await startTestInbox('poison', { monitor: (store) => ({ documents: refusingOne(store.documents, poisonPdf), pollIntervalMs: 300 }) });
    inbox.mail.senders.identity(HOTEL);
    api = await startApi({ db: inbox.db });
    thread = await inbox.request('em-poison', testHotel('poisonquay', HOTEL), [testGuest('p1', 'Mia Novak', 'PQ-1')]);
  });
  after(async () => {
    await inbox?.stop();
    await api?.close();
  });

  it('a 22 MB delivery report listing 200,000 recipients is recorded within bounds, and the next reply is not held up', async () => {
    const report = crowdDeliveryReport({ to: 'poison@folio.test', messageId: '<crowd-report@mass-mailing.example>', recipients: 200_000 });
    assert.ok(report.length > 22_000_000, `the report is ${report.length} bytes`);
    const t = anyone();
    await t.sendMail({ envelope: { from: '', to: 'poison@folio.test' }, raw: report });
    t.close();
    const next = await genuineReply();
    const r = await inbox.outcome('<crowd-report@mass-mailing.example>');
    for (const [what, doc] of [['ledger', r.processed], ['unmatched', r.unmatched]] as const) assert.ok(bsonSize(doc) < 64 * 1024, `the ${what} record is ${bsonSize(doc)} bytes (limit ${BSON_LIMIT})`);
    assert.equal((await inbox.outcome(next)).processed.outcome, 'signalled');
  });

  it('a PDF of 100,000 pages is refused in bounded time (a worker thread with a page cap), and the next reply is not held up', async () => {
    const huge = manyPagePdf(100_000, 'Mia Novak PQ-1');
    const started = Date.now();
    const bomb = await genuineReply([{ filename: 'folio.pdf', content: huge }]);
    const next = await genuineReply();
    const r = await inbox.outcome(bomb);
    assert.equal(r.processed.outcome, 'unmatched');
    assert.match(r.unmatched!.reason, /a PDF of 100000 pages is not a folio|could not be read within/);
    assert.equal((await inbox.outcome(next)).processed.outcome, 'signalled');
    assert.ok(Date.now() - started < 60_000, `both handled in ${Date.now() - started} ms`);
  });

  it('a message the MIME parser refuses (1,001 parts) is queued in a shape GET /v1/unmatched always reads', async () => {
    const t = anyone();
    await t.sendMail({ envelope: { from: 'x@parts.example', to: 'poison@folio.test' }, raw: manyPartMessage({ from: 'x@parts.example', to: 'poison@folio.test', messageId: '<many-parts@parts.example>', parts: 1001 }) });
    t.close();
    await waitUntil(async () => (await inbox.store.inbox.all()).some((p) => /unreadable MIME/.test(p.detail ?? '')), 30_000, 'the refused message to be recorded');
    const list = await call(api.url, 'GET', '/v1/unmatched?limit=200', { key: api.keys.operator });
    assert.equal(list.status, 200, JSON.stringify(list.body).slice(0, 300));
    const item = (list.body.items as { reason: string; documents: unknown[] }[]).find((i) => /unreadable MIME/.test(i.reason));
    assert.ok(item, 'the refused message is listed');
    assert.deepEqual(item.documents, []);

    // and records of every shape earlier versions wrote (no documents list, no attachment list, a date as text)
    await rawCollection(inbox.db, 'unmatched_messages').insertMany([
      { _id: 'legacy-no-lists', from: 'x@legacy.example', subject: 'old', receivedAt: new Date(), reason: 'unreadable MIME', candidates: [] },
      { _id: 'legacy-text-date', from: 'y@legacy.example', receivedAt: 'yesterday', reason: 'old', documents: [{ documentId: 'doc-1' }], textExcerpt: null },
    ] as never);
    const again = await call(api.url, 'GET', '/v1/unmatched?limit=200', { key: api.keys.operator });
    assert.equal(again.status, 200, JSON.stringify(again.body).slice(0, 300));
    const ids = (again.body.items as { unmatchedId: string }[]).map((i) => i.unmatchedId);
    assert.ok(ids.includes('legacy-no-lists') && ids.includes('legacy-text-date'), ids.join(', '));
    const paged = await call(api.url, 'GET', '/v1/unmatched?limit=1', { key: api.keys.operator });
    assert.equal((await call(api.url, 'GET', `/v1/unmatched?limit=200&cursor=${paged.body.nextCursor}`, { key: api.keys.operator })).status, 200, 'the next page reads too');
  });

  it('a message whose handling fails every time is recorded failed after 3 attempts: a dead letter operators see, counted, and the inbox moves on', async () => {
    const stuck = await genuineReply([{ filename: 'folio.pdf', content: poisonPdf }]);
    const next = await genuineReply();
    const r = await inbox.outcome(stuck);
    assert.equal(r.processed.outcome, 'failed');
    assert.match(r.processed.detail ?? '', /after 3 attempts: object store refused the write/);
    assert.equal((await inbox.outcome(next)).processed.outcome, 'signalled', 'the message after it was handled');
    await waitUntil(() => inbox.signaler.to(folio, 'documentReceived').length >= 2);

    const letters = await call(api.url, 'GET', '/v1/dead-letters?kind=mail', { key: api.keys.operator });
    assert.equal(letters.status, 200);
    const letter = (letters.body.items as { kind: string; reason: string; attempts: number; subject: string }[]).find((l) => l.subject.includes(stuck));
    assert.ok(letter, JSON.stringify(letters.body));
    assert.deepEqual([letter.kind, letter.attempts], ['mail', 3]);
    assert.match(letter.reason, /object store refused the write/);
    assert.equal((await call(api.url, 'GET', '/v1/dead-letters', { key: api.keys.a })).status, 403, 'operators only');

    const metrics = await (await fetch(`${api.opsUrl}/metrics`)).text();
    assert.match(metrics, /^folio_dead_letters\{kind="mail"\} 1$/m);
    assert.match(metrics, /^folio_inbox_messages\{outcome="failed"\} 1$/m);
  });
});

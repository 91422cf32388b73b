// GridFS documents on FerretDB: stored once per content, typed from the bytes, bounded in size.
import assert from 'node:assert/strict';
import type { Db } from 'mongodb';
import { rawCollection } from '../helpers/raw-db';
import { GridFsDocumentStore, DocumentTooLargeError, DocumentNotFoundError } from '../../adapters/mongo/documents';
import { startMongo } from '../helpers/stack';

describe('GridFS document store (FerretDB)', function () {
  this.timeout(20_000);
  let db: Db;
  let docs: GridFsDocumentStore;

  before(async () => {
    db = (await startMongo()).db();
    docs = new GridFsDocumentStore(db, { maxBytes: 2 * 1024 * 1024 });
  });

  it('stores the same bytes once and types them from their content, not their name', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(700_000, 7)]); // several GridFS chunks
    const a = await docs.save(pdf, { filename: 'folio.txt', source: 'email', messageId: '<m1@x>' });
    const b = await docs.save(pdf, { filename: 'other-name.pdf', source: 'upload' });
    assert.equal(a.documentId, b.documentId);
    assert.equal(a.contentType, 'application/pdf');
    assert.equal(a.size, pdf.length);
    assert.match(a.sha256, /^[0-9a-f]{64}$/);
    assert.equal(await rawCollection(db, 'documents.files').countDocuments({ _id: a.documentId as never }), 1);
    const back = await docs.read(a.documentId);
    assert.ok(back.bytes.equals(pdf));
    assert.deepEqual(back.ref, a);
  });

  it('refuses a document over the limit with a clear error, and an empty one', async () => {
    await assert.rejects(docs.save(Buffer.alloc(3 * 1024 * 1024, 1), { source: 'email' }), (e: unknown) => e instanceof DocumentTooLargeError && /3\.0 MB is over the 2 MB limit/.test(e.message));
    await assert.rejects(docs.save(Buffer.alloc(0), { source: 'email' }), /empty/);
  });

  it('recovers from an upload that died half-way (orphan chunks)', async () => {
    const bytes = Buffer.from('<html><body><table><tr><td>Total</td><td>10.00</td></tr></table></body></html>');
    const { createHash } = await import('node:crypto');
    const id = `doc-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`;
    await rawCollection(db, 'documents.chunks').insertOne({ files_id: id, n: 0, data: Buffer.from('partial') } as never);
    const ref = await docs.save(bytes, { source: 'email' });
    assert.equal(ref.documentId, id);
    assert.equal(ref.contentType, 'text/html');
    assert.ok((await docs.read(id)).bytes.equals(bytes));
  });

  it('reading an unknown document is a clear error', async () => {
    await assert.rejects(docs.read('doc-missing'), DocumentNotFoundError);
  });
});

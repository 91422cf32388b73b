// The embedded store's patched FerretDB (scripts/ferretdb/sqlite-pushdown.patch, `--test-sqlite-pushdown`): equality
// and the `_id` order are answered by SQLite, so a listing reads its page instead of the collection. What it
// must never do is answer differently from MongoDB: every query here is checked against MongoDB's rules written
// out in plain code (equality also matches an array holding the value; strings compare byte by byte), over ids
// a client can shape (`<`, `&`, quotes, backslashes, non-ASCII) and values of the wrong type.
import assert from 'node:assert/strict';
import type { Collection } from 'mongodb';
import { guardedWriteMode } from '../../adapters/mongo/guarded-writes';
import { startMongo } from '../helpers/stack';

type Doc = { _id: string; hotelId?: unknown; flag?: unknown; n?: number };

/** MongoDB's order of two strings: their UTF-8 bytes. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** MongoDB's equality of a top-level field with a scalar: the value, or an array holding it. */
function equals(v: unknown, want: unknown): boolean {
  return Array.isArray(v) ? v.some((x) => x === want) : v === want;
}

describe('embedded store: pushdown answers as MongoDB does (FerretDB on SQLite, patched)', () => {
  let coll: Collection<Doc>;
  const docs: Doc[] = [];

  before(async () => {
    coll = (await startMongo()).db().collection<Doc>('pushdown');
    await coll.createIndexes([
      { key: { hotelId: 1, _id: 1 }, name: 'hotel' },
      { key: { flag: 1, _id: 1 }, name: 'flag' },
    ]);
    // ids a client can shape: characters JSON escapes (so their stored text orders differently), non-ASCII, prefixes
    const awkward = ['<a>', '<aA@x>', 'a<b', 'aA', 'a&b', 'a>b', 'a"b', 'a\\b', 'a\u0001b', 'é', 'z', 'Z', 'a', 'ab', 'a b', '😀', '\u2028x'];
    for (let i = 0; i < 240; i++) {
      const id = i < awkward.length ? awkward[i] : `f${((i * 7919) % 1000).toString(36).padStart(3, '0')}-${i}`;
      const hotelId = i % 11 === 0 ? ['h1', 'h2'] : i % 13 === 0 ? 1 : i % 5 === 0 ? 'h1' : `h${i % 7}`;
      docs.push({ _id: id, hotelId, flag: i % 17 === 0 ? [true] : i % 19 === 0 ? [false, 'x'] : i % 3 === 0, n: i });
    }
    docs.push({ _id: 'no-fields' });
    // inserted out of id order, in small batches, as concurrent writers would
    for (let i = 0; i < docs.length; i += 37) await coll.insertMany([...docs.slice(i, i + 37)].reverse());
  });

  const expected = (match: (d: Doc) => boolean, dir: 1 | -1 = 1) =>
    docs
      .filter(match)
      .sort((a, b) => dir * byteOrder(a._id, b._id))
      .map((d) => d._id);

  it('sorts on _id byte by byte, ascending and descending, whatever characters the ids hold', async () => {
    assert.deepEqual((await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id), expected(() => true));
    assert.deepEqual((await coll.find({}).sort({ _id: -1 }).toArray()).map((d) => d._id), expected(() => true, -1));
    assert.deepEqual((await coll.find({}).sort({ _id: 1 }).limit(5).toArray()).map((d) => d._id), expected(() => true).slice(0, 5));
  });

  it('equality on a string or a boolean also matches an array holding it, and never a value of another type', async () => {
    for (const [field, want] of [
      ['hotelId', 'h1'],
      ['hotelId', 'h2'],
      ['hotelId', '1'],
      ['flag', true],
      ['flag', false],
    ] as const) {
      const got = (await coll.find({ [field]: want }).sort({ _id: 1 }).toArray()).map((d) => d._id);
      assert.deepEqual(got, expected((d) => equals(d[field], want)), `${field} = ${JSON.stringify(want)}`);
      assert.ok(field !== 'hotelId' || want !== '1' || got.length === 0, 'the string "1" matched the number 1');
    }
  });

  it('two equalities at once, either field possibly an array, in _id order both ways and paged', async () => {
    for (const [hotelId, flag] of [
      ['h1', true],
      ['h2', false],
      ['h3', true],
    ] as const) {
      const match = (d: Doc) => equals(d.hotelId, hotelId) && equals(d.flag, flag);
      assert.ok(expected(match).length > 0, `the population has folios of ${hotelId} with flag ${flag}`);
      assert.deepEqual((await coll.find({ hotelId, flag }).sort({ _id: 1 }).toArray()).map((d) => d._id), expected(match), `${hotelId}, ${flag}`);
      assert.deepEqual((await coll.find({ flag, hotelId }).sort({ _id: -1 }).toArray()).map((d) => d._id), expected(match, -1), `${hotelId}, ${flag}, descending`);
      assert.deepEqual((await coll.find({ hotelId, flag }).sort({ _id: 1 }).limit(2).toArray()).map((d) => d._id), expected(match).slice(0, 2), `${hotelId}, ${flag}, first 2`);
    }
  });

  it('ranges on _id select what MongoDB selects, alone and with an equality', async () => {
    for (const bound of ['a', 'a<b', '<a>', 'aA', 'é', 'f5']) {
      for (const [op, test] of [
        ['$gt', (id: string) => byteOrder(id, bound) > 0],
        ['$gte', (id: string) => byteOrder(id, bound) >= 0],
        ['$lt', (id: string) => byteOrder(id, bound) < 0],
        ['$lte', (id: string) => byteOrder(id, bound) <= 0],
      ] as const) {
        const got = (await coll.find({ _id: { [op]: bound } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
        assert.deepEqual(got, expected((d) => test(d._id)), `_id ${op} ${JSON.stringify(bound)}`);
        const withHotel = (await coll.find({ hotelId: 'h1', _id: { [op]: bound } }).sort({ _id: -1 }).toArray()).map((d) => d._id);
        assert.deepEqual(withHotel, expected((d) => equals(d.hotelId, 'h1') && test(d._id), -1), `hotel h1, _id ${op} ${JSON.stringify(bound)}`);
      }
    }
  });

  it('paging by the last id seen visits every matching document once, in order', async () => {
    for (const [name, filter, match] of [
      ['all', {}, () => true],
      ['flag', { flag: true }, (d: Doc) => equals(d.flag, true)],
      ['hotel', { hotelId: 'h1' }, (d: Doc) => equals(d.hotelId, 'h1')],
    ] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await coll
          .find({ ...filter, ...(after !== undefined && { _id: { $gt: after } }) })
          .sort({ _id: 1 })
          .limit(7)
          .toArray();
        seen.push(...page.map((d) => d._id));
        if (page.length < 7) break;
        after = page[page.length - 1]._id;
      }
      assert.deepEqual(seen, expected(match), name);
    }
  });

  it('answers an update command of hundreds of updates (stock FerretDB 1.24 never answered one of 100)', async () => {
    const ops = docs.slice(0, 150).map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { n: d.n! + 1000 } } } }));
    const res = await coll.bulkWrite(ops, { ordered: false });
    assert.equal(res.modifiedCount, 150);
    await coll.bulkWrite(docs.slice(0, 150).map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { n: d.n! } } } })), { ordered: false });
    assert.equal(await coll.countDocuments({ n: { $gte: 1000 } }), 0);
  });

  it('updates, findAndModify and deletes by _id with more conditions answer as MongoDB, and buildInfo says the store pushes down', async () => {
    // the projection's guarded writes take the atomic conditional upsert on this store (adapters/mongo/guarded-writes.ts)
    assert.equal(guardedWriteMode(await coll.db.command({ buildInfo: 1 })), 'conditional');
    const d = docs[30]!;
    const newer = { _id: d._id, $or: [{ n: { $lte: d.n! } }, { n: { $exists: false } }] };
    assert.equal((await coll.updateOne(newer, { $set: { n: d.n! } }, { upsert: true })).modifiedCount + 0, 0, 'same value: matched, nothing to change');
    assert.equal((await coll.updateOne({ _id: d._id, n: { $lte: d.n! - 1 } }, { $set: { n: -5 } })).matchedCount, 0, 'a condition that fails matches nothing');
    await assert.rejects(
      coll.updateOne({ _id: d._id, n: { $lte: d.n! - 1 } }, { $set: { n: -5 } }, { upsert: true }),
      (e: { code?: number }) => e.code === 11000,
      'a stale conditional upsert meets the id, as on MongoDB',
    );
    assert.equal((await coll.findOne({ _id: d._id }))?.n, d.n, 'untouched');
    // an equality on a field holding an array still matches: SQL selects a superset, the handler decides
    const arr = docs.find((x) => Array.isArray(x.hotelId))!;
    assert.equal((await coll.updateOne({ _id: arr._id, hotelId: 'h2' }, { $set: { n: arr.n! } })).matchedCount, 1);
    assert.equal((await coll.updateOne({ _id: arr._id, hotelId: 'h3' }, { $set: { n: -5 } })).matchedCount, 0);
    assert.equal((await coll.findOneAndUpdate({ _id: arr._id, hotelId: 'h1' }, { $set: { n: arr.n! } }, { returnDocument: 'after' }))?._id, arr._id);
    assert.equal(await coll.findOneAndUpdate({ _id: arr._id, hotelId: 'nope' }, { $set: { n: -5 } }), null);
    assert.equal((await coll.deleteOne({ _id: arr._id, flag: 'not-this' })).deletedCount, 0);
    // a new document through the conditional upsert takes its id from the filter
    const fresh = { _id: 'new<"doc">', $or: [{ n: { $lte: 3 } }, { n: { $exists: false } }] };
    await coll.updateOne(fresh, { $set: { n: 3 } }, { upsert: true });
    assert.deepEqual(await coll.findOne({ _id: 'new<"doc">' }), { _id: 'new<"doc">', n: 3 });
    assert.equal((await coll.deleteOne({ _id: 'new<"doc">', n: 3 })).deletedCount, 1);
    assert.equal(await coll.countDocuments({ n: -5 }), 0);
  });

  it('finds, updates and deletes by _id, including ids the JSON text escapes', async () => {
    for (const id of ['<a>', 'a"b', 'a\\b', '😀', docs[20]._id]) {
      assert.equal((await coll.findOne({ _id: id }))?._id, id);
      assert.equal((await coll.updateOne({ _id: id }, { $set: { n: -1 } })).modifiedCount, 1, `update ${id}`);
    }
    assert.equal((await coll.deleteOne({ _id: 'a&b' })).deletedCount, 1);
    assert.equal(await coll.findOne({ _id: 'a&b' }), null);
    docs.splice(
      docs.findIndex((d) => d._id === 'a&b'),
      1,
    );
    assert.deepEqual((await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id), expected(() => true));
    assert.equal(await coll.countDocuments({ n: -1 }), 5);
  });
});

import assert from 'node:assert/strict';
import { guardedWriteMode, writeIsStale } from '../../adapters/mongo/guarded-writes';

describe('guarded writes: the form each store runs well', () => {
  it('MongoDB and the patched embedded store take conditional upserts; a FerretDB that scans for them reads and writes by id', () => {
    assert.equal(guardedWriteMode({ version: '7.0.14', ok: 1 }), 'conditional');
    assert.equal(guardedWriteMode({ version: '7.0.42', ferretdbVersion: 'v1.24.2', ferretdbFeatures: { aggregationStages: [] } }), 'by-id');
    assert.equal(guardedWriteMode({ version: '7.0.42', ferretdbVersion: 'v1.24.2' }), 'by-id');
    assert.equal(guardedWriteMode({ ferretdbVersion: 'v1.24.2', ferretdbFeatures: { sqlitePushdown: false } }), 'by-id');
    assert.equal(guardedWriteMode({ ferretdbVersion: 'v1.24.2', ferretdbFeatures: { sqlitePushdown: true } }), 'conditional');
    assert.equal(guardedWriteMode({ ferretdbVersion: 'v1.24.2', ferretdbFeatures: { sqlitePushdown: 'yes' } }), 'by-id', 'only a true flag');
  });

  it('only a newer stored seq makes a write stale', () => {
    assert.equal(writeIsStale(undefined, 1), false);
    assert.equal(writeIsStale(3, 3), false);
    assert.equal(writeIsStale(4, 3), true);
  });
});

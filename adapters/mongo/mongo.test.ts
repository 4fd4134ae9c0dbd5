import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Backend } from '../../core/backend.ts';
import { testServer } from '../../core/conformance/test-servers.ts';
import { BackendUnavailableError, ConflictError } from '../../core/errors.ts';
import { overviewRows } from '../../core/workloads/overview/fixtures.ts';
import { createMongoBackend } from './index.ts';
import { translateMongoError } from './mongo-errors.ts';

// What only MongoDB (and its stand-ins) shows; the behaviours every adapter shares are in mongo.conformance.test.ts.
describe('mongo driver errors', () => {
  test('a raw socket error the driver lets through (EPIPE on a half-closed connection) is a 503, not a bug', () => {
    const epipe = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    const error = translateMongoError('overview.get', epipe);
    assert.ok(error instanceof BackendUnavailableError);
    assert.equal(error.cause, epipe);
    const bug = new TypeError('x is not a function');
    assert.equal(translateMongoError('overview.get', bug), bug);
  });
});

const { url, skip } = testServer('mongo');

describe('mongo adapter', { skip }, () => {
  let mongo: Backend;

  before(async () => {
    mongo = createMongoBackend({ url: url!, database: 'storebench_loader_test' });
    await mongo.migrate();
    await mongo.reset();
  });
  after(async () => {
    await mongo?.close();
  });

  test('a load of an id that is already stored is a ConflictError (unordered batches report it)', async () => {
    assert.deepEqual((await mongo.load.overview(overviewRows(25))).rows, { overview: 25 });
    await assert.rejects(mongo.load.overview(overviewRows(3, 24)), ConflictError);
  });

  test('usage ids are ObjectIds in lower-case hex; ids the adapter never issues read as undefined', async () => {
    const id = await mongo.usages.record({ patientId: '1', timestamp: 't', medication: 'm' });
    assert.match(id, /^[0-9a-f]{24}$/);
    assert.deepEqual(await mongo.usages.get(id), { id, patientId: '1', timestamp: 't', medication: 'm' });
    for (const bad of ['abc', '1', id.toUpperCase(), `${id}0`, '{"$gt":""}', 'ffffffffffffffffffffffff']) {
      assert.equal(await mongo.usages.get(bad), undefined, bad);
    }
  });

  test('serverVersion names the server that answers', async () => {
    assert.match(await mongo.serverVersion(), /^(MongoDB \d|FerretDB \d|mongo-java-server )/);
  });
});

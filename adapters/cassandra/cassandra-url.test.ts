import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCassandraUrl } from './index.ts';

describe('cassandra URLs', () => {
  test('the query carries the consistency and the replication factor every process of a cluster must agree on', () => {
    assert.deepEqual(
      parseCassandraUrl(
        'cassandra://10.0.0.1,10.0.0.2,10.0.0.3:9042/datacenter1?consistency=local_quorum&replication_factor=3',
      ),
      {
        hosts: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
        port: 9042,
        datacenter: 'datacenter1',
        consistency: 'LOCAL_QUORUM',
        replicationFactor: 3,
      },
    );
    assert.deepEqual(parseCassandraUrl('cassandra://127.0.0.1:9043/dc1'), {
      hosts: ['127.0.0.1'],
      port: 9043,
      datacenter: 'dc1',
    });
    assert.throws(() => parseCassandraUrl('cassandra://a:9042/dc?consistency=MOST'), /consistency must be one of/);
    assert.throws(() => parseCassandraUrl('cassandra://a:9042/dc?replication_factor=0'), /replication_factor/);
    assert.throws(() => parseCassandraUrl('cassandra://a:9042/dc?keyspace=x'), /unknown url parameter "keyspace"/);
  });
});

import { distributionRefusal } from './citus';

describe('distributionRefusal', () => {
  it('When a Citus coordinator has no active worker, then distributing is refused with what to do', () => {
    expect(distributionRefusal({ citus: true, activeWorkers: 0 }, false)).toMatch(/no active worker node: register the workers \(citus_add_node\).*MIGRATE_CITUS_COORDINATOR_ONLY/);
  });

  it('When Citus has a worker, is single-node on purpose, or is not there, then the migration may run', () => {
    expect(distributionRefusal({ citus: true, activeWorkers: 1 }, false)).toBeUndefined();
    expect(distributionRefusal({ citus: true, activeWorkers: 0 }, true)).toBeUndefined();
    expect(distributionRefusal({ citus: false, activeWorkers: 0 }, false)).toBeUndefined();
  });
});

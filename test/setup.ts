// Root hooks: quiet SDK logs, and stop the servers test/helpers/stack.ts started lazily, once, at the end.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { stopStack } from './helpers/stack';

Runtime.install({ logger: new DefaultLogger('WARN') });

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopStack();
  },
};

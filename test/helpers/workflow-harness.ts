// One workflow's contract on the time-skipping server: a worker with the real workflow bundle on a task queue of its own, the activities a test file passes (the vendor edge), and readers for what a workflow
// told others (the signals it sent, from its own history).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startTimeSkipping, workflowBundle } from './stack';

export interface Harness {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startHarness(name: string, activities: object): Promise<Harness> {
  const env = await startTimeSkipping();
  const taskQueue = `${name}-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const running = worker.run();
  return {
    env,
    client: env.client,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

export interface SentSignal {
  to: string;
  name: string;
  arg: unknown;
}

/** Every signal a workflow sent to another workflow (all runs, oldest first), read from its history. */
export async function signalsSentBy(client: Client, workflowId: string): Promise<SentSignal[]> {
  const sent: SentSignal[] = [];
  for (const runId of await runsOf(client, workflowId)) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const e of history.events ?? []) {
      const a = e.signalExternalWorkflowExecutionInitiatedEventAttributes;
      if (!a) continue;
      const payload = a.input?.payloads?.[0];
      sent.push({ to: a.workflowExecution?.workflowId ?? '', name: a.signalName ?? '', arg: payload ? defaultPayloadConverter.fromPayload(payload) : undefined });
    }
  }
  return sent;
}

/** The run ids of a workflow id, oldest first (continue-as-new makes a chain). */
export async function runsOf(client: Client, workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    runs.unshift(runId);
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

/** Polls (in real time, so the server's clock stands still) until `probe` gives a value `done` accepts. */
export async function until<T>(probe: () => Promise<T> | T, done: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Ends what a test file leaves running. The shared time-skipping server skips time only while no workflow
 * task waits; a workflow left behind with no worker would stall the clock of every file after it.
 */
export async function terminateAll(client: Client, workflowIds: Iterable<string>): Promise<void> {
  for (const id of workflowIds) await client.workflow.getHandle(id).terminate('test file done').catch(() => undefined); // already ended
}

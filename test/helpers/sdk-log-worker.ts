// A worker process with the production Runtime (workers/runtime.ts) whose one activity fails quoting a guest:
// the SDK logs the failure to stdout through our logger; test/security/sdk-logs.test.ts reads what it printed.
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { logger } from '../../config/logger';
import { installRuntime } from '../../workers/runtime';
import { emailRequestWorkflowType, type EmailRequestInput } from '../../workflows/definitions';
import { workflowBundle } from './stack';

async function main() {
  const address = process.env.TEMPORAL_ADDRESS!;
  const taskQueue = process.env.TASK_QUEUE!;
  const input = JSON.parse(process.env.INPUT!) as EmailRequestInput;
  installRuntime({ METRICS_HOST: '127.0.0.1', METRICS_PORT: Number(process.env.METRICS_PORT) }, logger);
  const activities = { sendEmailRequest: async () => Promise.reject(ApplicationFailure.nonRetryable(process.env.REFUSAL!, 'MailConfigError')) };
  const worker = await Worker.create({ connection: await NativeConnection.connect({ address }), taskQueue, workflowBundle: await workflowBundle(), activities });
  const client = new Client({ connection: await Connection.connect({ address }) });
  await worker.runUntil(client.workflow.execute(emailRequestWorkflowType.name, { taskQueue, workflowId: input.emailId, args: [input] }));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

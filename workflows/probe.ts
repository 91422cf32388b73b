import { sleep } from '@temporalio/workflow';
export async function probeWorkflow(ms: number): Promise<number> {
  await sleep(ms);
  return ms;
}

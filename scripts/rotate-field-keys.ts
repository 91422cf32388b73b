// Re-seals the personal data stored in MongoDB under the active key of PAYLOAD_KEYS (after a rotation made a
// new key active), and encrypts records and files stored before encryption. Safe to run while the service runs
// and to run again; prints how many values and files it re-sealed per collection.
//   npx tsx scripts/rotate-field-keys.ts [--batch-size 200]
import { loadConfig } from '../config';
import { Store } from '../adapters/mongo/store';

export async function runRotation(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const i = argv.indexOf('--batch-size');
  const batchSize = i >= 0 ? Number(argv[i + 1]) : 200;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('--batch-size must be a whole number from 1 to 10000');
  const store = await Store.forConfig(loadConfig(env));
  try {
    const report = await store.rotateFieldKeys({ batchSize });
    out(`active key: ${report.activeKeyId}`);
    for (const [collection, n] of Object.entries(report.resealed)) out(`${collection}: ${n} re-sealed`);
    return 0;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  runRotation(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

// API key management: create (prints the key once; only its hash is stored), list, revoke.
//   npx tsx scripts/keys.ts create <clientId> [--operator | --codec] [--name "<label>"]
//     --codec: a key that opens only /codec (for the Temporal Web UI's --ui-codec-endpoint …/codec/<key>)
//   npx tsx scripts/keys.ts list
//   npx tsx scripts/keys.ts revoke <keyId>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { Store } from '../adapters/mongo/store';
import { ApiKeys, type Role } from '../api/auth';

const USAGE = 'usage: keys.ts create <clientId> [--operator | --codec] [--name <label>] | list | revoke <keyId>';

/**
 * A key kept in a local file (mode 0600) and reused while it is valid; created (and the file rewritten)
 * when missing or revoked. The dev stack uses it for the Web UI's codec key, so restarts do not pile up keys.
 */
export async function ensureKeyFile(keys: ApiKeys, file: string, input: { clientId: string; role: Role; name?: string }): Promise<string> {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    const principal = await keys.verify(key);
    if (principal && principal.role === input.role && principal.clientId === input.clientId) return key;
  }
  const { key } = await keys.create(input);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function runKeys(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  const store = await Store.connect(config.MONGODB_URI, config.MONGODB_DB);
  try {
    const keys = new ApiKeys(store.apiKeys);
    switch (command) {
      case 'create': {
        const clientId = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--name');
        if (!clientId) throw new Error(USAGE);
        const role: Role = rest.includes('--operator') ? 'operator' : rest.includes('--codec') ? 'codec' : 'client';
        const nameAt = rest.indexOf('--name');
        const { key, record } = await keys.create({ clientId, role, name: nameAt >= 0 ? rest[nameAt + 1] : undefined });
        out(`created ${role} key ${record._id} for ${clientId}; store it now, it is not shown again:`);
        out(key);
        return 0;
      }
      case 'list':
        for (const k of await keys.list()) out([k._id, k.role.padEnd(8), k.clientId, k.name, k.createdAt.toISOString(), k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'].join('\t'));
        return 0;
      case 'revoke': {
        if (!rest[0]) throw new Error(USAGE);
        const done = await keys.revoke(rest[0]);
        out(done ? `revoked ${rest[0]}` : `no active key ${rest[0]}`);
        return done ? 0 : 1;
      }
      default:
        throw new Error(USAGE);
    }
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  runKeys(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}

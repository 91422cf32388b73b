import { createHash } from 'node:crypto';
import { sniffContentType } from '../../adapters/extraction/sniff';

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const sniffFor = (b: Buffer) => sniffContentType(b);

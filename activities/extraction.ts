// Reads a stored folio document and extracts it. Only permanent problems stop retries: a missing or
// corrupted document, or an extractor that is misconfigured. Anything else (a store or a network
// hiccup) is thrown as is, so Temporal retries it.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { DocumentRef, FolioData } from '../domain/model';
import type { DocumentStore, Extractor } from '../domain/ports';
import { namesMatch } from '../domain/names';
import { resolveStayAgainstRequest } from '../domain/validation';

/** An extractor that can also return every folio of a multi-guest document. */
interface MultiFolioExtractor extends Extractor {
  extractAll(bytes: Buffer, contentType: string): Promise<FolioData[]>;
}

const canExtractAll = (e: Extractor): e is MultiFolioExtractor => typeof (e as Partial<MultiFolioExtractor>).extractAll === 'function';

export interface ExtractFolioInput {
  document: DocumentRef;
  /** With several folios in one PDF, the one naming this guest is returned (else the first). */
  guest?: { firstName: string; lastName: string; additionalNames?: string[] };
  /** The requested stay: ambiguous day/month dates are read in the order that matches it (and the confidence says so). */
  stay?: { checkIn: string; checkOut: string };
}

export function isPermanent(e: unknown): boolean {
  return (e as { permanent?: boolean })?.permanent === true;
}

function pickFolio(folios: FolioData[], guest: ExtractFolioInput['guest']): FolioData {
  if (!guest || folios.length === 1) return folios[0]!;
  return folios.find((f) => f.guestNames.some((n) => namesMatch(guest, n))) ?? folios[0]!;
}

export function createExtractionActivities(deps: { extractor: Extractor; documents: DocumentStore }) {
  return {
    async extractFolio(input: ExtractFolioInput): Promise<FolioData> {
      const { documentId } = input.document;
      let stored: { bytes: Buffer; ref: DocumentRef };
      try {
        stored = await deps.documents.read(documentId);
      } catch (e) {
        if ((e as Error)?.name === 'DocumentNotFoundError') {
          throw ApplicationFailure.nonRetryable(`document ${documentId} is not in the document store`, 'DocumentMissing');
        }
        throw e;
      }
      const sha256 = createHash('sha256').update(stored.bytes).digest('hex');
      if (sha256 !== input.document.sha256) {
        throw ApplicationFailure.nonRetryable(`document ${documentId} does not match its reference (sha256 differs)`, 'DocumentCorrupted');
      }
      try {
        const folio = canExtractAll(deps.extractor) ? pickFolio(await deps.extractor.extractAll(stored.bytes, stored.ref.contentType), input.guest) : await deps.extractor.extract(stored.bytes, stored.ref.contentType);
        return input.stay ? resolveStayAgainstRequest(folio, input.stay) : folio;
      } catch (e) {
        if (isPermanent(e)) throw ApplicationFailure.nonRetryable((e as Error).message, 'ExtractorMisconfigured', e);
        throw e;
      }
    },
  };
}

export type ExtractionActivities = ReturnType<typeof createExtractionActivities>;

// The personal fields of folio records (the request, the document reference, the extraction, timeline event
// details): sealed on write and opened on read with the field crypto, each bound to its record and field.
import type { FolioEvent } from '../../domain/events';
import type { DocumentRef, FolioData, FolioRequest } from '../../domain/model';
import { COLLECTIONS } from './collections';
import { sealContext, type Envelope, type FieldCrypto } from './field-crypto';

/** What only one folio's page reads: the request as accepted, the document and what was read from it. */
export interface FolioDetailsDoc {
  _id: string;
  /** Sealed (plaintext in records written before encryption). */
  request?: FolioRequest | Envelope;
  /** What the request looked like, to tell a repeat from a different request under the same reference. */
  requestHash?: string;
  document?: DocumentRef | Envelope | null;
  extracted?: FolioData | Envelope | null;
  /** The seq of the last workflow write that changed these details. */
  seq: number;
  updatedAt: Date;
}

export type EventDoc = Omit<FolioEvent, 'data'> & { _id: string; data?: FolioEvent['data'] | Envelope };



/** The personal fields of folio records, sealed on write and opened on read (what a key rotation rewrites). */
export const SEALED_FOLIO_FIELDS = { [COLLECTIONS.folioDetails]: ['request', 'document', 'extracted'], [COLLECTIONS.events]: ['data'] } as const;

/** The details as the workflow wrote them. */
export interface OpenDetails {
  request?: FolioRequest;
  requestHash?: string;
  document?: DocumentRef | null;
  extracted?: FolioData | null;
}

export class FolioSeals {
  constructor(private readonly crypto: FieldCrypto) {}

  detail(folioId: string, field: 'request' | 'document' | 'extracted', value: unknown): Envelope | null | undefined {
    return this.crypto.sealOptional(value, sealContext(COLLECTIONS.folioDetails, field, folioId)) as Envelope | null | undefined;
  }

  details(folioId: string, details: Pick<OpenDetails, 'document' | 'extracted'>): Pick<FolioDetailsDoc, 'document' | 'extracted'> {
    return {
      ...(details.document !== undefined && { document: this.detail(folioId, 'document', details.document) }),
      ...(details.extracted !== undefined && { extracted: this.detail(folioId, 'extracted', details.extracted) }),
    };
  }

  /** A details record with its sealed fields opened (a FieldDecryptError names the record that fails). */
  opened(d: FolioDetailsDoc): OpenDetails {
    const open = <T>(field: 'request' | 'document' | 'extracted') => this.crypto.open<T>(d[field], sealContext(COLLECTIONS.folioDetails, field, d._id));
    return { request: open<FolioRequest | undefined>('request'), requestHash: d.requestHash, document: open<DocumentRef | null | undefined>('document'), extracted: open<FolioData | null | undefined>('extracted') };
  }

  event(e: FolioEvent): EventDoc {
    return { ...e, _id: e.eventId, ...(e.data !== undefined && { data: this.crypto.seal(e.data, sealContext(COLLECTIONS.events, 'data', e.eventId)) }) };
  }

  openEvent({ _id, ...doc }: EventDoc): FolioEvent {
    return { ...doc, ...(doc.data !== undefined && { data: this.crypto.open<FolioEvent['data']>(doc.data, sealContext(COLLECTIONS.events, 'data', _id)) }) } as FolioEvent;
  }
}

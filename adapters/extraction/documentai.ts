// Google Document AI (Invoice Parser) behind the Extractor port. Invoice entities give the bill
// (supplier, receiver, invoice id, line items, totals, currency); a folio's stay dates and
// confirmation number are not invoice entities, so they are read from the document's own text.
import * as grpc from '@grpc/grpc-js';
import { DocumentProcessorServiceClient, type protos } from '@google-cloud/documentai';
import type { FolioData } from '../../domain/model';
import type { Extractor } from '../../domain/ports';
import { sniffContentType } from './sniff';
import { addTaxLineIfAddedOnTop, categoryOf, findDate, parseFolioLines, type TextLine } from '../../domain/folio-text';
import { notPdfReason, unreadable } from './local-pdf';

type Document = protos.google.cloud.documentai.v1.IDocument;
type Entity = protos.google.cloud.documentai.v1.Document.IEntity;

export interface DocumentAiOptions {
  /** projects/P/locations/L/processors/ID (optionally /processorVersions/V). */
  processorName: string;
  /** Regional endpoint, e.g. eu-documentai.googleapis.com; 127.0.0.1 for the sandbox fake. */
  apiEndpoint?: string;
  port?: number;
  /** Plain-text gRPC without Google credentials: only for a local endpoint. */
  insecure?: boolean;
  timeoutMs?: number;
}

const PROCESSOR = /^projects\/[^/]+\/locations\/[^/]+\/processors\/[^/]+(\/processorVersions\/[^/]+)?$/;
// What the service accepts as raw documents.
const SUPPORTED = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'image/gif', 'image/bmp', 'image/webp']);

/** A misconfiguration (wrong processor, no permission): retrying cannot help. */
export class ExtractorConfigError extends Error {
  override name = 'ExtractorConfigError';
  readonly permanent = true;
}

const PERMANENT = new Set([grpc.status.NOT_FOUND, grpc.status.PERMISSION_DENIED, grpc.status.UNAUTHENTICATED, grpc.status.FAILED_PRECONDITION, grpc.status.UNIMPLEMENTED]);

export class DocumentAiExtractor implements Extractor {
  readonly name = 'documentai' as const;
  private readonly client: DocumentProcessorServiceClient;

  constructor(private readonly opts: DocumentAiOptions) {
    if (!PROCESSOR.test(opts.processorName)) {
      throw new ExtractorConfigError(`DOCUMENTAI_PROCESSOR must look like projects/P/locations/L/processors/ID, got "${opts.processorName}"`);
    }
    if (opts.insecure) {
      if (opts.apiEndpoint && !/^(127\.0\.0\.1|localhost|\[::1\])$/.test(opts.apiEndpoint)) throw new ExtractorConfigError('insecure Document AI connections are only allowed to a local endpoint');
      // The sandbox endpoint needs no Google credentials; never probe a cloud metadata server for them.
      process.env.METADATA_SERVER_DETECTION ??= 'none';
    }
    this.client = new DocumentProcessorServiceClient({
      apiEndpoint: opts.apiEndpoint,
      port: opts.port,
      ...(opts.insecure ? { sslCreds: grpc.credentials.createInsecure() } : {}),
    });
  }

  async extract(bytes: Buffer, contentType: string): Promise<FolioData> {
    return (await this.extractAll(bytes, contentType))[0]!;
  }

  async extractAll(bytes: Buffer, _contentType: string): Promise<FolioData[]> {
    const mimeType = sniffContentType(bytes);
    if (!SUPPORTED.has(mimeType)) return [unreadable(notPdfReason(mimeType), 'documentai')];
    let document: Document | null | undefined;
    try {
      // Retries belong to the activity's retry policy, not to a second hidden loop in the client.
      const [response] = await this.client.processDocument({ name: this.opts.processorName, rawDocument: { content: bytes, mimeType } }, { timeout: this.opts.timeoutMs ?? 120_000, retry: null });
      document = response.document;
    } catch (e) {
      const code = (e as { code?: number }).code;
      const details = (e as { details?: string }).details ?? (e as Error).message;
      if (code === grpc.status.INVALID_ARGUMENT) return [unreadable(`Document AI rejected the document: ${details}`, 'documentai')];
      if (code !== undefined && PERMANENT.has(code)) throw new ExtractorConfigError(`Document AI processor ${this.opts.processorName}: ${details}`);
      throw e;
    }
    if (!document) return [unreadable('Document AI returned no document', 'documentai')];
    return folioDataFromDocument(document);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

// ---- mapping a Document onto FolioData

function moneyOf(e: Entity | undefined): { amount: number; currency?: string } | undefined {
  const m = e?.normalizedValue?.moneyValue;
  if (m) {
    const units = Number(m.units ?? 0);
    return { amount: Math.round((units + (m.nanos ?? 0) / 1e9) * 100) / 100, currency: m.currencyCode || undefined };
  }
  const n = Number(String(e?.normalizedValue?.text ?? '').replace(/[^\d.-]/g, ''));
  return e?.normalizedValue?.text && Number.isFinite(n) ? { amount: n } : undefined;
}

const pageOf = (e: Entity): number => Number(e.pageAnchor?.pageRefs?.[0]?.page ?? 0);
const textOf = (e: Entity | undefined): string | undefined => (e?.normalizedValue?.text || e?.mentionText || undefined)?.trim();

/** The text of pages [from, to), from the pages' text anchors (the whole text when there are none). */
function pagesText(doc: Document, from: number, to: number): string {
  const text = doc.text ?? '';
  const segments = (doc.pages ?? []).slice(from, Number.isFinite(to) ? to : undefined).flatMap((p) => p.layout?.textAnchor?.textSegments ?? []);
  if (segments.length === 0) return text;
  return segments.map((s) => text.slice(Number(s.startIndex ?? 0), Number(s.endIndex ?? 0))).join('\n');
}

function lines(text: string): TextLine[] {
  return text
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => ({ cells: [t], text: t }));
}

export function folioDataFromDocument(doc: Document): FolioData[] {
  const entities = doc.entities ?? [];
  if (entities.length === 0 && !(doc.text ?? '').trim()) return [unreadable('Document AI found no text in the document', 'documentai')];
  // Several invoices on different pages: one folio each (a hotel's batch answer).
  const starts = [...new Set(entities.filter((e) => e.type === 'invoice_id').map(pageOf))].sort((a, b) => a - b);
  if (starts.length <= 1) return [folioOf(doc, entities, 0, Infinity)];
  return starts.map((from, i) => {
    const to = starts[i + 1] ?? Infinity;
    return folioOf(doc, entities.filter((e) => pageOf(e) >= from && pageOf(e) < to), from, to);
  });
}

function folioOf(doc: Document, entities: Entity[], fromPage: number, toPage: number): FolioData {
  const first = (type: string) => entities.find((e) => e.type === type);
  const all = (type: string) => entities.filter((e) => e.type === type);
  const confidence: Record<string, number> = {};
  const conf = (field: string, e: Entity | undefined) => (confidence[field] = e ? Number(e.confidence ?? 0) : 0);

  // What the invoice schema lacks (stay dates, confirmation number) comes from the page text.
  const fromText = parseFolioLines(lines(pagesText(doc, fromPage, toPage)), 'documentai');

  // Each text row lends its date to one line item (identical nights repeat).
  const rows = [...fromText.lineItems];
  const lineItems: FolioData['lineItems'] = all('line_item').flatMap((item) => {
    const prop = (t: string) => item.properties?.find((p) => p.type === `line_item/${t}` || p.type === t);
    const description = textOf(prop('description')) ?? textOf(item) ?? '';
    const amount = moneyOf(prop('amount'));
    if (!amount) return [];
    // Invoice line items carry no date; the same row in the page text does.
    const i = rows.findIndex((l) => l.amount === amount.amount && (l.description.includes(description) || description.includes(l.description)));
    const row = i >= 0 ? rows.splice(i, 1)[0] : undefined;
    const date = row?.date ?? findDate(item.mentionText ?? '', 'dmy');
    return [{ description, amount: amount.amount, category: categoryOf(description), ...(date ? { date } : {}) }];
  });

  const totalE = first('total_amount');
  const taxE = first('total_tax_amount');
  const total = moneyOf(totalE)?.amount;
  const tax = moneyOf(taxE)?.amount;
  addTaxLineIfAddedOnTop(lineItems, total, tax, 'Tax');
  const currencyE = first('currency');
  const currency = (textOf(currencyE) ?? moneyOf(totalE)?.currency)?.toUpperCase();
  const receivers = all('receiver_name');

  conf('hotelName', first('supplier_name'));
  conf('folioNumber', first('invoice_id'));
  conf('total', totalE);
  conf('tax', taxE);
  conf('currency', currencyE ?? totalE);
  confidence.guestNames = receivers.length ? Math.min(...receivers.map((r) => Number(r.confidence ?? 0))) : 0;
  confidence.lineItems = lineItems.length ? Math.min(...all('line_item').map((r) => Number(r.confidence ?? 0))) : 0;
  // Read from the text, not from an entity: a little less sure.
  for (const f of ['arrival', 'departure', 'confirmationNumber'] as const) confidence[f] = Math.min(0.7, fromText.confidence[f] ?? 0);

  return {
    hotelName: textOf(first('supplier_name')),
    guestNames: receivers.map(textOf).filter((n): n is string => !!n),
    arrival: fromText.arrival,
    departure: fromText.departure,
    folioNumber: textOf(first('invoice_id')),
    confirmationNumber: fromText.confirmationNumber,
    lineItems,
    total,
    tax,
    currency,
    confidence,
    extractor: 'documentai',
  };
}

// Google Document AI (Invoice Parser) behind the Extractor port. Invoice entities give the bill
// (supplier, receiver, invoice id, line items, totals, VAT, currency); a folio's stay dates,
// confirmation number and which rows are payments are not invoice entities, so they are read from the
// document's own text, rebuilt into lines from its tokens' boxes, with the same parser as the local extractor.
import * as grpc from '@grpc/grpc-js';
import { DocumentProcessorServiceClient, type protos } from '@google-cloud/documentai';
import type { FolioData } from '../../domain/model';
import type { Extractor } from '../../domain/ports';
import { sniffContentType } from './sniff';
import { addTaxLineIfAddedOnTop, categoryOf, findDate, folioPageGroups, lineOf, linesFromPlaced, parseFolioLines, type TextLine } from '../../domain/folio-text';
import { guestNamesFrom } from '../../domain/folio-text/guests';
import { ADJUSTMENT, CARRIED, PAYMENT } from '../../domain/folio-text/table-rows';
import { notPdfCode, notPdfReason, unreadable } from './local-pdf';
import { NO_TEXT_LAYER, readPdfText } from './pdf-text';

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
    if (!SUPPORTED.has(mimeType)) return [unreadable(notPdfReason(mimeType), 'documentai', notPdfCode(mimeType))];
    let document: Document | null | undefined;
    try {
      // Retries belong to the activity's retry policy, not to a second hidden loop in the client.
      const [response] = await this.client.processDocument({ name: this.opts.processorName, rawDocument: { content: bytes, mimeType } }, { timeout: this.opts.timeoutMs ?? 120_000, retry: null });
      document = response.document;
    } catch (e) {
      const code = (e as { code?: number }).code;
      const details = (e as { details?: string }).details ?? (e as Error).message;
      if (code === grpc.status.INVALID_ARGUMENT) return [unreadable(`Document AI rejected the document: ${details}`, 'documentai', /password|encrypt/i.test(String(details)) ? 'encrypted' : 'damaged')];
      if (code !== undefined && PERMANENT.has(code)) throw new ExtractorConfigError(`Document AI processor ${this.opts.processorName}: ${details}`);
      throw e;
    }
    if (!document) return [unreadable('Document AI returned no document', 'documentai')];
    // The service reads scans too; say so, so a scan that fails its checks goes back to the hotel for the system PDF.
    const scanned = mimeType !== 'application/pdf' || (await readPdfText(bytes).then((t) => !t.ok && t.reason === NO_TEXT_LAYER));
    return folioDataFromDocument(document, { ocr: scanned });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

// ---- mapping a Document onto FolioData

type Page = protos.google.cloud.documentai.v1.Document.IPage;

function moneyOf(e: Entity | undefined): { amount: number; currency?: string } | undefined {
  const m = e?.normalizedValue?.moneyValue;
  if (m) {
    const units = Number(m.units ?? 0);
    return { amount: Math.round((units + (m.nanos ?? 0) / 1e9) * 100) / 100, currency: m.currencyCode || undefined };
  }
  const n = Number(String(e?.normalizedValue?.text ?? '').replace(/[^\d.-]/g, ''));
  return e?.normalizedValue?.text && Number.isFinite(n) ? { amount: n } : undefined;
}

// proto3 leaves zero values out: page 0 and start index 0 arrive as absent fields.
const pageOf = (e: Entity): number => Number(e.pageAnchor?.pageRefs?.[0]?.page ?? 0);
const textOf = (e: Entity | undefined): string | undefined => (e?.normalizedValue?.text || e?.mentionText || undefined)?.trim();
const anchored = (doc: Document, anchor: { textSegments?: { startIndex?: unknown; endIndex?: unknown }[] | null } | null | undefined) =>
  (anchor?.textSegments ?? []).map((s) => (doc.text ?? '').slice(Number(s.startIndex ?? 0), Number(s.endIndex ?? 0))).join('');

/** A page's lines of cells: from its tokens and their boxes when the response has them, else from its text. */
function pageLines(doc: Document, page: Page): TextLine[] {
  const tokens = (page.tokens ?? []).flatMap((t) => {
    const v = t.layout?.boundingPoly?.normalizedVertices ?? [];
    const text = anchored(doc, t.layout?.textAnchor).trim();
    if (!text || v.length < 3) return [];
    const xs = v.map((p) => p.x ?? 0);
    const ys = v.map((p) => p.y ?? 0);
    return [{ text, x0: Math.min(...xs), x1: Math.max(...xs), y: (Math.min(...ys) + Math.max(...ys)) / 2, h: Math.max(...ys) - Math.min(...ys) }];
  });
  if (tokens.length) {
    const heights = tokens.map((t) => t.h).sort((a, b) => a - b);
    const h = heights[Math.floor(heights.length / 2)] || 0.01;
    const aspect = (page.dimension?.width ?? 1) / (page.dimension?.height ?? 1.414);
    return linesFromPlaced(tokens, {
      sameRow: (_first, last, next) => Math.abs(last.y - next.y) < 0.55 * h,
      // Boxes are fractions of the page: a column gap is about a line height wide.
      join: (cell, next) => (next.x0 - cell.x1 < (1.1 * h) / aspect ? ' ' : undefined),
      width: 1,
      height: 1,
    });
  }
  return anchored(doc, page.layout?.textAnchor)
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => lineOf([t]));
}

function documentPages(doc: Document): TextLine[][] {
  const pages = doc.pages ?? [];
  if (pages.length === 0 || pages.every((p) => !p.layout?.textAnchor?.textSegments?.length && !p.tokens?.length)) {
    return [(doc.text ?? '').split('\n').map((t) => t.trim()).filter(Boolean).map((t) => lineOf([t]))];
  }
  return pages.map((p) => pageLines(doc, p));
}

export function folioDataFromDocument(doc: Document, opts: { ocr?: boolean } = {}): FolioData[] {
  const entities = doc.entities ?? [];
  if (entities.length === 0 && !(doc.text ?? '').trim()) return [unreadable('Document AI found no text in the document', 'documentai', 'ocr-no-text')];
  const pages = documentPages(doc);
  // Several invoices on different pages: one folio each (a hotel's batch answer); else the page text decides.
  const starts = [...new Set(entities.filter((e) => e.type === 'invoice_id').map(pageOf))].sort((a, b) => a - b);
  const groups = starts.length > 1 ? starts.map((from, i) => Array.from({ length: (starts[i + 1] ?? pages.length) - from }, (_, k) => from + k)) : folioPageGroups(pages);
  return (groups.length ? groups : [[0]]).map((group) => {
    const inGroup = entities.filter((e) => group.includes(pageOf(e)) || (group[0] === 0 && groups.length === 1));
    const folio = folioOf(inGroup, group.flatMap((i) => pages[i] ?? []));
    const withPages = pages.length > 1 ? { ...folio, pages: { from: group[0]! + 1, to: group[group.length - 1]! + 1 } } : folio;
    return opts.ocr ? { ...withPages, ocr: true } : withPages;
  });
}

function folioOf(entities: Entity[], lines: TextLine[]): FolioData {
  const first = (type: string) => entities.find((e) => e.type === type);
  const all = (type: string) => entities.filter((e) => e.type === type);
  const confidence: Record<string, number> = {};
  const sources: Record<string, string> = {};
  const conf = (field: string, e: Entity | undefined) => {
    confidence[field] = e ? Number(e.confidence ?? 0) : 0;
    if (e) sources[field] = `Invoice Parser ${e.type}`;
  };

  // What the invoice schema lacks (stay dates, confirmation number, which lines are payments) comes from the page text.
  const fromText = parseFolioLines(lines, 'documentai');

  // Each text row lends its date to one line item (identical nights repeat).
  const rows = [...fromText.lineItems];
  const lineItems: FolioData['lineItems'] = all('line_item').flatMap((item) => {
    const prop = (t: string) => item.properties?.find((p) => p.type === `line_item/${t}` || p.type === t);
    const description = textOf(prop('description')) ?? textOf(item) ?? '';
    const amount = moneyOf(prop('amount'));
    if (!amount) return [];
    // The parser lists payments, deposits and carried-forward sums as line items too; on a folio they are not charges.
    if (PAYMENT.test(description) || CARRIED.test(description) || (amount.amount < 0 && !ADJUSTMENT.test(description))) return [];
    // Invoice line items carry no date; the same row in the page text does.
    const i = rows.findIndex((l) => l.amount === amount.amount && (l.description.includes(description) || description.includes(l.description)));
    const row = i >= 0 ? rows.splice(i, 1)[0] : undefined;
    const date = row?.date ?? findDate(item.mentionText ?? '', 'dmy');
    return [{ description, amount: amount.amount, category: categoryOf(description), ...(date ? { date } : {}) }];
  });

  const totalE = first('total_amount');
  const taxE = first('total_tax_amount');
  const vatAmounts = all('vat').map((v) => moneyOf(v.properties?.find((p) => p.type === 'vat/tax_amount'))?.amount).filter((n): n is number => n !== undefined);
  let total = moneyOf(totalE)?.amount;
  const sum = Math.round(lineItems.reduce((s, l) => s + l.amount, 0) * 100) / 100;
  const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.02, Math.abs(b) * 0.005);
  conf('total', totalE);
  // A folio's "amount due" is often its zero balance: the page's own total wins when it, not the entity, matches the charges.
  if (fromText.total !== undefined && lineItems.length && (total === undefined || !near(sum, total)) && near(sum, fromText.total)) {
    total = fromText.total;
    confidence.total = fromText.confidence.total ?? 0;
    sources.total = `page text: ${fromText.fieldSources?.total ?? 'total line'}`;
  }
  const tax = moneyOf(taxE)?.amount ?? (vatAmounts.length ? Math.round(vatAmounts.reduce((s, n) => s + n, 0) * 100) / 100 : fromText.tax);
  addTaxLineIfAddedOnTop(lineItems, total, tax, 'Tax');
  const currencyE = first('currency');
  const currency = (currencyE?.normalizedValue?.text || moneyOf(totalE)?.currency || (currencyE?.mentionText && /^[A-Z]{3}$/.test(currencyE.mentionText.trim()) ? currencyE.mentionText.trim() : undefined) || fromText.currency)?.toUpperCase();

  // A labelled guest on the page beats the invoice's receiver (often the company billed, not the guest).
  const receivers = all('receiver_name');
  const labelled = fromText.fieldSources?.guestNames === 'label' || fromText.fieldSources?.guestNames === 'reservation-system name';
  const receiverNames = [...new Set(receivers.flatMap((r) => guestNamesFrom(textOf(r) ?? '')))];
  const guestNames = labelled || receiverNames.length === 0 ? fromText.guestNames : receiverNames;
  if (guestNames === fromText.guestNames) {
    confidence.guestNames = Math.min(0.7, fromText.confidence.guestNames ?? 0);
    if (fromText.fieldSources?.guestNames) sources.guestNames = `page text: ${fromText.fieldSources.guestNames}`;
  } else {
    confidence.guestNames = Math.min(...receivers.map((r) => Number(r.confidence ?? 0)));
    sources.guestNames = 'Invoice Parser receiver_name';
  }

  conf('hotelName', first('supplier_name'));
  conf('folioNumber', first('invoice_id'));
  conf('tax', taxE ?? all('vat')[0]);
  conf('currency', currencyE ?? totalE);
  confidence.lineItems = lineItems.length ? Math.min(...all('line_item').map((r) => Number(r.confidence ?? 0))) : 0;
  // Read from the text, not from an entity: a little less sure.
  for (const f of ['arrival', 'departure', 'confirmationNumber'] as const) {
    confidence[f] = Math.min(0.7, fromText.confidence[f] ?? 0);
    if (fromText.fieldSources?.[f]) sources[f] = `page text: ${fromText.fieldSources[f]}`;
  }

  return {
    hotelName: textOf(first('supplier_name')) ?? fromText.hotelName,
    guestNames,
    arrival: fromText.arrival,
    departure: fromText.departure,
    folioNumber: textOf(first('invoice_id')) ?? fromText.folioNumber,
    confirmationNumber: fromText.confirmationNumber,
    lineItems: lineItems.length || all('line_item').length ? lineItems : fromText.lineItems,
    total,
    tax,
    currency,
    confidence,
    fieldSources: sources,
    ...(fromText.alternativeStay ? { alternativeStay: fromText.alternativeStay } : {}),
    extractor: 'documentai',
  };
}

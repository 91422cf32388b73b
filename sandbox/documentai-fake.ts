// A local Document AI endpoint: a real gRPC server speaking DocumentProcessorService/ProcessDocument,
// built from the service definition bundled in @google-cloud/documentai, so the production adapter
// and Google's own client run unchanged against it. It reads the PDF's text layer and answers a
// Document with Invoice-Parser-style entities. It has no OCR: scans come back without text, as
// from a processor that found none.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { FolioData } from '../domain/model';
import { folioPageGroups, parseFolioLines, type TextLine } from '../domain/folio-text';
import { NO_TEXT_LAYER, readPdfText } from '../adapters/extraction/local-pdf';

const PROTOS = path.join(path.dirname(require.resolve('@google-cloud/documentai')), '..', 'protos', 'protos.json');
const PROCESSOR = /^projects\/[^/]+\/locations\/[^/]+\/processors\/([^/]+)(\/processorVersions\/[^/]+)?$/;
const SUPPORTED = new Set(['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'image/gif', 'image/bmp', 'image/webp']);

type Obj = Record<string, unknown>;

function serviceDefinition(): grpc.ServiceDefinition {
  const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(PROTOS, 'utf8')) as protobuf.INamespace);
  const method = root.lookupService('google.cloud.documentai.v1.DocumentProcessorService').methods.ProcessDocument!;
  const Req = root.lookupType(`google.cloud.documentai.v1.${method.requestType}`);
  const Res = root.lookupType(`google.cloud.documentai.v1.${method.responseType}`);
  return {
    processDocument: {
      path: '/google.cloud.documentai.v1.DocumentProcessorService/ProcessDocument',
      requestStream: false,
      responseStream: false,
      requestSerialize: (o: Obj) => Buffer.from(Req.encode(Req.fromObject(o)).finish()),
      requestDeserialize: (b: Buffer) => Req.toObject(Req.decode(b), { longs: String, enums: String, defaults: false }),
      responseSerialize: (o: Obj) => Buffer.from(Res.encode(Res.fromObject(o)).finish()),
      responseDeserialize: (b: Buffer) => Res.toObject(Res.decode(b), { longs: String, enums: String }),
    },
  };
}

class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

const money = (amount: number, currency?: string) => {
  const units = Math.trunc(amount);
  return { currencyCode: currency ?? '', units: String(units), nanos: Math.round((amount - units) * 1e9) };
};

function entitiesOf(folio: FolioData, page: number): Obj[] {
  const anchor = { pageRefs: [{ page: String(page) }] };
  const c = (f: string) => folio.confidence[f] ?? 0.5;
  const e: Obj[] = [];
  const text = (type: string, value: string | undefined, confidence: number) => {
    if (value) e.push({ type, mentionText: value, confidence, pageAnchor: anchor, normalizedValue: { text: value } });
  };
  const amount = (type: string, value: number | undefined, confidence: number) => {
    if (value !== undefined) e.push({ type, mentionText: value.toFixed(2), confidence, pageAnchor: anchor, normalizedValue: { text: value.toFixed(2), moneyValue: money(value, folio.currency) } });
  };
  text('invoice_id', folio.folioNumber, c('folioNumber'));
  text('supplier_name', folio.hotelName, c('hotelName'));
  for (const g of folio.guestNames) text('receiver_name', g, c('guestNames'));
  text('currency', folio.currency, c('currency'));
  amount('total_amount', folio.total, c('total'));
  amount('total_tax_amount', folio.tax, c('tax'));
  if (folio.total !== undefined && folio.tax !== undefined) amount('net_amount', Math.round((folio.total - folio.tax) * 100) / 100, c('total'));
  if (folio.departure) {
    const [year, month, day] = folio.departure.split('-').map(Number);
    e.push({ type: 'invoice_date', mentionText: folio.departure, confidence: 0.6, pageAnchor: anchor, normalizedValue: { text: folio.departure, dateValue: { year, month, day } } });
  }
  // Only rows of the charges table: a tax the summary adds on top is not a line item to the Invoice Parser.
  for (const item of folio.lineItems.filter((l) => l.date)) {
    e.push({
      type: 'line_item',
      mentionText: `${item.description} ${item.amount.toFixed(2)}`,
      confidence: c('lineItems'),
      pageAnchor: anchor,
      properties: [
        { type: 'line_item/description', mentionText: item.description, confidence: c('lineItems'), pageAnchor: anchor },
        { type: 'line_item/amount', mentionText: item.amount.toFixed(2), confidence: c('lineItems'), pageAnchor: anchor, normalizedValue: { text: item.amount.toFixed(2), moneyValue: money(item.amount, folio.currency) } },
      ],
    });
  }
  return e;
}

/** Text, pages with text anchors, and a token per cell with its normalised box, as the service lays out a page. */
function documentOf(pages: TextLine[][], mimeType: string): Obj {
  let text = '';
  const pageObjs = pages.map((lines, i) => {
    const start = text.length;
    const tokens: Obj[] = [];
    for (const line of lines) {
      line.cells.forEach((cell, c) => {
        const box = line.boxes?.[c];
        const at = text.length;
        text += cell + (c === line.cells.length - 1 ? '\n' : ' ');
        if (!box || line.top === undefined) return;
        const [top, bottom] = [line.top - 0.006, line.top + 0.004];
        const normalizedVertices = [{ x: box.x0, y: top }, { x: box.x1, y: top }, { x: box.x1, y: bottom }, { x: box.x0, y: bottom }];
        tokens.push({ layout: { textAnchor: { textSegments: [{ startIndex: String(at), endIndex: String(at + cell.length) }] }, boundingPoly: { normalizedVertices }, confidence: 0.98 } });
      });
    }
    return { pageNumber: i + 1, dimension: { width: 595, height: 842, unit: 'points' }, layout: { textAnchor: { textSegments: [{ startIndex: String(start), endIndex: String(text.length) }] } }, tokens };
  });
  const entities = folioPageGroups(pages).flatMap((group) => entitiesOf(parseFolioLines(group.flatMap((i) => pages[i]!), 'documentai'), group[0]!));
  return { mimeType, text, pages: pageObjs, entities };
}

async function processDocument(request: Obj, processors: Set<string> | undefined): Promise<Obj> {
  const name = String(request.name ?? '');
  const m = name.match(PROCESSOR);
  if (!m) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Invalid resource field value in the request: name "${name}"`);
  if (processors && !processors.has(m[1]!)) throw new RpcError(grpc.status.NOT_FOUND, `Processor ${name} not found.`);
  const raw = request.rawDocument as { content?: Uint8Array; mimeType?: string } | undefined;
  if (!raw?.content?.length) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Document content is empty.');
  const mimeType = raw.mimeType ?? '';
  if (!SUPPORTED.has(mimeType)) throw new RpcError(grpc.status.INVALID_ARGUMENT, `Unsupported input file format: ${mimeType || 'none given'}.`);
  if (mimeType !== 'application/pdf') return { document: { mimeType, text: '', pages: [{ pageNumber: 1 }], entities: [] } };
  const read = await readPdfText(Buffer.from(raw.content));
  if (!read.ok) {
    if (read.reason === NO_TEXT_LAYER) return { document: { mimeType, text: '', pages: [{ pageNumber: 1 }], entities: [] } };
    if (/password/.test(read.reason)) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'Unable to process the document: it is password protected.');
    throw new RpcError(grpc.status.INVALID_ARGUMENT, `Unable to process the document: ${read.reason}.`);
  }
  return { document: documentOf(read.pages, mimeType) };
}

export interface DocumentAiFake {
  port: number;
  /** ProcessDocument calls answered so far. */
  calls(): number;
  stop(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1 (ephemeral port). With `processors`, other processor ids get NOT_FOUND. */
export async function startDocumentAiFake(opts: { processors?: string[] } = {}): Promise<DocumentAiFake> {
  const processors = opts.processors ? new Set(opts.processors) : undefined;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 40 * 1024 * 1024 });
  let calls = 0;
  server.addService(serviceDefinition(), {
    processDocument: (call: grpc.ServerUnaryCall<Obj, Obj>, callback: grpc.sendUnaryData<Obj>) => {
      calls++;
      processDocument(call.request, processors).then(
        (res) => callback(null, res),
        (e: unknown) => callback(e instanceof RpcError ? { code: e.code, details: e.message } : { code: grpc.status.INTERNAL, details: String(e) }),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return {
    port,
    calls: () => calls,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

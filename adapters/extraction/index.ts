// The extractor named by the configuration, and only that one: a misconfigured Document AI never
// silently falls back to the local extractor. The local extractor gets Tesseract OCR unless OCR=off.
import type { Config } from '../../config';
import type { Extractor } from '../../domain/ports';
import { DocumentAiExtractor, ExtractorConfigError } from './documentai';
import { LocalPdfExtractor } from './local-pdf';
import { TesseractOcr } from './ocr';

export { DocumentAiExtractor, ExtractorConfigError } from './documentai';
export { LocalPdfExtractor, NO_TEXT_LAYER } from './local-pdf';
export { TesseractOcr, OcrUnavailableError } from './ocr';
export { splitFolioPdf, type FolioPart } from './split-pdf';
export { sniffContentType } from './sniff';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** DOCUMENTAI_ENDPOINT as host[:port]; IPv6 literals in brackets. */
export function parseEndpoint(endpoint: string): { host: string; port?: number } {
  const m = endpoint.trim().match(/^(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?$/);
  if (!m) throw new ExtractorConfigError(`DOCUMENTAI_ENDPOINT must be host[:port], got "${endpoint}"`);
  const port = m[2] ? Number(m[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new ExtractorConfigError(`DOCUMENTAI_ENDPOINT port ${port} is out of range`);
  return { host: m[1]!, port };
}

export function createExtractor(config: Config): Extractor {
  switch (config.EXTRACTOR) {
    case 'local': {
      // OCR=auto reads scans when Tesseract is installed and reports them as unreadable otherwise; OCR=on requires it.
      const ocr = config.OCR === 'off' ? undefined : new TesseractOcr({ languages: config.OCR_LANGUAGES, dpi: config.OCR_DPI, timeoutMs: config.OCR_TIMEOUT_MS });
      return new LocalPdfExtractor({ ocr, ocrRequired: config.OCR === 'on' });
    }
    case 'documentai': {
      if (!config.DOCUMENTAI_PROCESSOR) throw new ExtractorConfigError('EXTRACTOR=documentai needs DOCUMENTAI_PROCESSOR (projects/P/locations/L/processors/ID)');
      const endpoint = config.DOCUMENTAI_ENDPOINT ? parseEndpoint(config.DOCUMENTAI_ENDPOINT) : undefined;
      // Plain-text gRPC only to the sandbox's own endpoint on this machine; everything else uses TLS and Google credentials.
      const insecure = config.MODE === 'sandbox' && !!endpoint && LOOPBACK.test(endpoint.host);
      return new DocumentAiExtractor({ processorName: config.DOCUMENTAI_PROCESSOR, apiEndpoint: endpoint?.host, port: endpoint?.port, insecure });
    }
    default:
      throw new ExtractorConfigError(`unknown EXTRACTOR ${String(config.EXTRACTOR)}`);
  }
}

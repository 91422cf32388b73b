// A thin drawing surface over pdf-lib for the independent folio corpus: text placed at coordinates the
// way report engines (Oracle Reports, Crystal Reports, BI Publisher) place each field, in any order,
// sometimes one run per word. Shares nothing with the sandbox's pdfkit renderer.
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export type FontName = 'sans' | 'sansBold' | 'serif' | 'serifBold' | 'mono' | 'monoBold';

const FONTS: Record<FontName, StandardFonts> = {
  sans: StandardFonts.Helvetica,
  sansBold: StandardFonts.HelveticaBold,
  serif: StandardFonts.TimesRoman,
  serifBold: StandardFonts.TimesRomanBold,
  mono: StandardFonts.Courier,
  monoBold: StandardFonts.CourierBold,
};

export interface TextOpts {
  font?: FontName;
  size?: number;
  /** x is the left edge (default), the right edge, or the centre. */
  align?: 'left' | 'right' | 'center';
  /** Draw each word as its own run, as some report engines do. */
  perWord?: boolean;
  grey?: boolean;
}

export const A4 = { width: 595, height: 842 };
export const LETTER = { width: 612, height: 792 };

/** One document being drawn: pages are added as the style needs them; y runs from the top. */
export class Sheet {
  private page!: PDFPage;
  private readonly fonts = new Map<FontName, PDFFont>();
  pageCount = 0;

  private constructor(
    private readonly doc: PDFDocument,
    readonly size: { width: number; height: number },
  ) {}

  static async create(size = A4, title?: string): Promise<Sheet> {
    const doc = await PDFDocument.create();
    // A fixed date keeps the bytes reproducible for a seed.
    doc.setCreationDate(new Date(Date.UTC(2026, 0, 1)));
    doc.setModificationDate(new Date(Date.UTC(2026, 0, 1)));
    doc.setProducer('folio report engine');
    if (title) doc.setTitle(title);
    const sheet = new Sheet(doc, size);
    for (const [name, std] of Object.entries(FONTS) as [FontName, StandardFonts][]) sheet.fonts.set(name, await doc.embedFont(std));
    sheet.newPage();
    return sheet;
  }

  newPage(): void {
    this.page = this.doc.addPage([this.size.width, this.size.height]);
    this.pageCount++;
  }

  width(s: string, font: FontName = 'sans', size = 9): number {
    return this.fonts.get(font)!.widthOfTextAtSize(s, size);
  }

  text(x: number, top: number, s: string, o: TextOpts = {}): void {
    if (!s) return;
    const font = o.font ?? 'sans';
    const size = o.size ?? 9;
    const w = this.width(s, font, size);
    const left = o.align === 'right' ? x - w : o.align === 'center' ? x - w / 2 : x;
    const y = this.size.height - top;
    const color = o.grey ? rgb(0.35, 0.35, 0.35) : rgb(0, 0, 0);
    if (!o.perWord) {
      this.page.drawText(s, { x: left, y, size, font: this.fonts.get(font)!, color });
      return;
    }
    let at = left;
    for (const word of s.split(' ')) {
      if (word) this.page.drawText(word, { x: at, y, size, font: this.fonts.get(font)!, color });
      at += this.width(`${word} `, font, size);
    }
  }

  line(x1: number, top1: number, x2: number, top2: number, thickness = 0.5): void {
    this.page.drawLine({ start: { x: x1, y: this.size.height - top1 }, end: { x: x2, y: this.size.height - top2 }, thickness, color: rgb(0, 0, 0) });
  }

  box(x: number, top: number, w: number, h: number, fill = false): void {
    this.page.drawRectangle({ x, y: this.size.height - top - h, width: w, height: h, borderWidth: 0.6, borderColor: rgb(0, 0, 0), ...(fill ? { color: rgb(0.9, 0.9, 0.9) } : {}) });
  }

  async bytes(): Promise<Buffer> {
    return Buffer.from(await this.doc.save({ useObjectStreams: false }));
  }
}

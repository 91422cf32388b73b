// The parser on layouts it was not written beside: every house style of the independent corpus, and
// each layout feature on its own — labels in seven languages, unlabelled addressee blocks, Charges/
// Credits tables, multi-page folios, date and money formats, ambiguous dates, per-field confidence,
// and a multi-guest PDF split per guest into per-guest PDFs.
import assert from 'node:assert/strict';
import { LocalPdfExtractor } from '../../adapters/extraction/local-pdf';
import { readPdfText } from '../../adapters/extraction/pdf-text';
import { splitFolioPdf } from '../../adapters/extraction/split-pdf';
import { fieldScores, FIELDS } from '../../bench/extraction-accuracy';
import { requestFor, truthOf } from '../../bench/extraction-corpora';
import { findDate, parseFolioLines, type TextLine } from '../../domain/folio-text';
import { validateFolio } from '../../domain/validation';
import { independentCorpus, independentFolio, renderIndependentFolio } from '../../sandbox/independent-folios/corpus';
import { HOUSE_STYLES } from '../../sandbox/independent-folios/model';
import { renderIndependentBatch } from '../../sandbox/independent-folios/render';

const extractor = new LocalPdfExtractor();

/** Lines as a text layer gives them: cells apart where the text has two or more spaces. */
const lines = (text: string): TextLine[] =>
  text
    .trim()
    .split('\n')
    .map((t) => ({ cells: t.trim().split(/ {2,}/), text: t.trim().replace(/ {2,}/g, ' ') }));

describe('folio layouts beyond the sandbox renderer', function () {
  this.timeout(30_000);

  describe('every house style of the independent corpus', () => {
    const corpus = independentCorpus(2026, HOUSE_STYLES.length * 2);
    for (const style of HOUSE_STYLES) {
      it(`reads ${style} folios and they validate`, async () => {
        for (const entry of corpus.filter((e) => e.folio.style === style)) {
          const got = await extractor.extract(await renderIndependentFolio(entry.folio), 'application/pdf');
          const truth = truthOf(entry);
          const scores = fieldScores(truth, got);
          assert.deepEqual(FIELDS.filter((f) => !scores[f]), [], `${style}: ${JSON.stringify(got)}`);
          assert.deepEqual(validateFolio(got, requestFor(truth)), { ok: true, reasons: [], codes: [] });
        }
      });
    }
  });

  it('reads labels in seven languages and their abbreviations', () => {
    const cases: [string, string][] = [
      ['Guest: Anna Berg  Arr.: 03.04.2026  Dep.: 05.04.2026  Conf. No.: 778812  Folio No.: 5521', 'en'],
      ['Gast: Anna Berg  Anreise: 03.04.2026  Abreise: 05.04.2026  Res.-Nr.: 778812  Rechnungs-Nr.: 5521', 'de'],
      ['Client : Anna Berg  Arrivée : 03.04.2026  Départ : 05.04.2026  N° de réservation : 778812  Facture N° : 5521', 'fr'],
      ['Huésped: Anna Berg  Llegada: 03.04.2026  Salida: 05.04.2026  Localizador: 778812  Nº Factura: 5521', 'es'],
      ['Ospite: Anna Berg  Arrivo: 03.04.2026  Partenza: 05.04.2026  Prenotazione N.: 778812  Conto N.: 5521', 'it'],
      ['Hóspede: Anna Berg  Chegada: 03.04.2026  Partida: 05.04.2026  N.º Reserva: 778812  Fatura n.º: 5521', 'pt'],
      ['Gast: Anna Berg  Aankomst: 03.04.2026  Vertrek: 05.04.2026  Reserveringsnr.: 778812  Notanummer: 5521', 'nl'],
    ];
    for (const [text, lang] of cases) {
      const got = parseFolioLines(lines(text.split('  ').join('\n')), 'local');
      assert.deepEqual([got.guestNames, got.arrival, got.departure, got.confirmationNumber, got.folioNumber], [['Anna Berg'], '2026-04-03', '2026-04-05', '778812', '5521'], lang);
    }
  });

  describe('unlabelled guests', () => {
    it('takes the addressee block: a title-prefixed name over address lines', () => {
      const got = parseFolioLines(lines('THE HARBOUR HOTEL\nMr. James Wilson  Room No.  : 412\n22 Baker Street  Arrival  : 03-04-26\nLondon W1U 6TY  Departure  : 05-04-26'), 'local');
      assert.deepEqual(got.guestNames, ['James Wilson']);
      assert.equal(got.fieldSources!.guestNames, 'addressee block (title)');
      assert.equal(got.confidence.guestNames, 0.75);
    });
    it('takes a name under a salutation line (Herrn, Exmo. Sr.) and SURNAME, Given', () => {
      assert.deepEqual(parseFolioLines(lines('Hotel Adler · Markt 1 · 80331 München\nHerrn\nJürgen Müller\nHauptstraße 5\n80331 München'), 'local').guestNames, ['Jürgen Müller']);
      assert.deepEqual(parseFolioLines(lines('Grande Hotel da Ribeira\nExmo(a). Sr(a).\nGonçalo Pereira\nAv. da Liberdade 90\n1250-096 Lisboa'), 'local').guestNames, ['Gonçalo Pereira']);
      const us = parseFolioLines(lines('Courtland Suites\nTAYLOR, Karen  Room:  662\n5103 MAPLE AVE  Arrival Date:  10/26/25'), 'local');
      assert.deepEqual([us.guestNames, us.fieldSources!.guestNames], [['Karen TAYLOR'], 'addressee block (reservation form)']);
    });
    it('turns reservation-system names around and leaves titles out', () => {
      assert.deepEqual(parseFolioLines(lines('Guest Name : SATO/HIROSHI MR'), 'local').guestNames, ['HIROSHI SATO']);
      assert.deepEqual(parseFolioLines(lines('Cliente: D. José García López'), 'local').guestNames, ['José García López']);
    });
    it('never takes the hotel letterhead, a table header or a total for a guest', () => {
      const got = parseFolioLines(lines('Grand Continental Hotel\n700 Michigan Avenue\nDATE  DESCRIPTION  REF NO  AMOUNT\n10/26/25  GUEST ROOM  40926  139.90\nTOTALE DA PAGARE  139,90\n12 Via Roma'), 'local');
      assert.deepEqual(got.guestNames, []);
    });
  });

  it('reads Charges/Credits tables: payments are credits, the total is the charges total, a zero balance is paid', () => {
    const folio = `
      Date  Description  Charges  Credits
      03-04-26  Accommodation  189.00
      03-04-26  City Tax  3.50
      04-04-26  Accommodation  189.00
      04-04-26  Rate Adjustment  -18.90
      28-03-26  Advance Deposit  100.00
      05-04-26  Visa Card XXXX4417  262.60
      Total  362.60  362.60
      Balance  0.00 EUR`;
    const got = parseFolioLines(lines(folio), 'local');
    assert.deepEqual(got.lineItems.map((l) => l.amount), [189, 3.5, 189, -18.9]);
    assert.equal(got.total, 362.6);
    // Only the balance printed: the charges, settled by the payments to it, are the total.
    const balanceOnly = parseFolioLines(lines(folio.replace(/\n\s*Total {2}.*/, '')), 'local');
    assert.deepEqual([balanceOnly.total, balanceOnly.fieldSources!.total, balanceOnly.confidence.total], [362.6, 'charges settled to the balance', 0.8]);
  });

  it('merges a two-page folio: header repeated, carried-forward lines not counted twice, total on the last page', async () => {
    const swiss = independentFolio(7, 0, 'swiss-two-page');
    const pdf = await renderIndependentFolio(swiss);
    const text = await readPdfText(pdf);
    assert.ok(text.ok && text.pages.length === 2 && text.pages.every((p) => p.some((l) => /Übertrag/.test(l.text))));
    const folios = await extractor.extractAll(pdf, 'application/pdf');
    assert.equal(folios.length, 1);
    assert.deepEqual(folios[0]!.pages, { from: 1, to: 2 });
    assert.equal(folios[0]!.lineItems.length, swiss.charges.length);
    assert.equal(folios[0]!.total, Math.round(swiss.charges.reduce((s, c) => s + c.amount, 0) * 100) / 100);
  });

  it('reads the date formats hotels print', () => {
    const cases: [string, 'dmy' | 'mdy', string][] = [
      ['03-04-26', 'dmy', '2026-04-03'],
      ['04/03/26', 'mdy', '2026-04-03'],
      ['03.04.2026', 'mdy', '2026-04-03'],
      ['2026/04/03', 'dmy', '2026-04-03'],
      ['20 Nov 2026', 'dmy', '2026-11-20'],
      ['20. November 2026', 'dmy', '2026-11-20'],
      ['20 novembre 2026', 'dmy', '2026-11-20'],
      ['20 de noviembre de 2026', 'dmy', '2026-11-20'],
      ['20 novembro 2026', 'dmy', '2026-11-20'],
      ['5 maart 2026', 'dmy', '2026-03-05'],
      ['3 mei 2026', 'dmy', '2026-05-03'],
      ['12 dicembre 2026', 'dmy', '2026-12-12'],
      ['1. März 2026', 'dmy', '2026-03-01'],
    ];
    for (const [text, order, expected] of cases) assert.equal(findDate(text, order), expected, text);
  });

  it('resolves ambiguous day/month dates by the stay they describe, and keeps the other reading when both could be', () => {
    // Nights on the 3rd and 4th: only day-first makes a two-night stay of these rows.
    const settled = parseFolioLines(lines('Guest: Ann Lee\nArrival: 03/04/2026  Departure: 05/04/2026\n03/04/2026  Room  100.00 USD\n04/04/2026  Room  100.00 USD\nTotal  200.00 USD'), 'local');
    assert.deepEqual([settled.arrival, settled.departure, settled.alternativeStay, settled.confidence.arrival], ['2026-04-03', '2026-04-05', undefined, 0.9]);
    // No rows to tell: both readings are a stay; the order is assumed and the confidence says so.
    const open = parseFolioLines(lines('Guest: Ann Lee\nArrival: 03/04/2026  Departure: 04/04/2026\nTotal  100.00 EUR'), 'local');
    assert.deepEqual([open.arrival, open.departure, open.confidence.arrival, open.fieldSources!.arrival], ['2026-04-03', '2026-04-04', 0.6, 'label, day/month order assumed']);
    assert.deepEqual(open.alternativeStay, { arrival: '2026-03-04', departure: '2026-04-04', dateOrder: 'mdy' });
  });

  it('reads the money formats hotels print, with the currency from symbols, codes or labels', () => {
    const cases: [string, number, string][] = [
      ['Total  1.234,56 €', 1234.56, 'EUR'],
      ["Total  CHF 1'234.56", 1234.56, 'CHF'],
      ['Montant total  1 234,56 EUR', 1234.56, 'EUR'],
      ['Total  $1,234.56', 1234.56, 'USD'],
      ['Total  £1,234.56', 1234.56, 'GBP'],
      ['Total  ¥123,456', 123456, 'JPY'],
      ['Total CHF  1234.50', 1234.5, 'CHF'],
      ['Totaal  € 1.234,56', 1234.56, 'EUR'],
    ];
    for (const [line, total, currency] of cases) {
      const got = parseFolioLines(lines(`01.02.2026  Room  ${line.split('  ')[1]}\n${line}`), 'local');
      assert.deepEqual([got.total, got.currency], [total, currency], line);
    }
  });

  it('splits a multi-guest PDF per guest into PDFs of their own pages', async () => {
    const folios = [independentFolio(11, 0, 'german-rechnung'), independentFolio(11, 1, 'swiss-two-page'), independentFolio(11, 2, 'italian-conto')];
    const pdf = await renderIndependentBatch(folios);
    const parts = await splitFolioPdf(pdf, await extractor.extractAll(pdf, 'application/pdf'));
    assert.deepEqual(parts.map((p) => p.folio.pages), [{ from: 1, to: 1 }, { from: 2, to: 3 }, { from: 4, to: 4 }]);
    assert.deepEqual(parts.map((p) => p.pageCount), [1, 2, 1]);
    for (const [i, part] of parts.entries()) {
      // Each per-guest PDF holds that guest's folio and nobody else's.
      const alone = await extractor.extractAll(part.pdf, 'application/pdf');
      assert.equal(alone.length, 1);
      assert.deepEqual(alone[0]!.guestNames, part.folio.guestNames);
      assert.equal(alone[0]!.folioNumber, folios[i]!.folioNumber);
      for (const [j, other] of folios.entries()) {
        const check = { guest: { firstName: other.guest.first, lastName: other.guest.last }, checkIn: other.arrival, checkOut: other.departure, confirmationNumber: other.confirmationNumber ?? 'none' };
        assert.equal(validateFolio(alone[0]!, check).ok, i === j, `part ${i} against guest ${j}`);
      }
    }
  });
});

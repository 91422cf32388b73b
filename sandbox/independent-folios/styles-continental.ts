// Continental house styles: a German Rechnung (DIN address window), a Swiss two-page folio (Soll/Haben,
// Übertrag), an Italian conto, a Portuguese fatura, a Dutch nota and a Spanish factura (Cargos/Abonos).
import { chargesTotal, formatDate, round, vatOf, type IndependentFolio } from './model';
import { chargeTable, dates, labelColumn, money, rowsOf } from './parts';
import { A4, Sheet } from './sheet';

export async function renderContinentalStyle(f: IndependentFolio): Promise<Sheet | undefined> {
  switch (f.style) {
    case 'german-rechnung': return germanRechnung(f);
    case 'swiss-two-page': return swissTwoPage(f);
    case 'italian-conto': return italianConto(f);
    case 'portuguese-fatura': return portugueseFatura(f);
    case 'dutch-nota': return dutchNota(f);
    case 'spanish-factura': return spanishFactura(f);
    default: return undefined;
  }
}

const total = chargesTotal;
const vatable = (f: IndependentFolio) => round(f.charges.filter((c) => c.kind !== 'citytax').reduce((a, c) => a + c.amount, 0), f.currency);
const rate = (f: IndependentFolio, sep = ',') => `${String(Math.round(f.vatRate * 1000) / 10).replace('.', sep)} %`;

/** DIN 5008: sender line over the window, salutation line, then the name; info block at the right. */
async function germanRechnung(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Rechnung');
  const eur = money('de');
  s.text(550, 45, f.hotel.name, { font: 'serifBold', size: 15, align: 'right' });
  f.hotel.lines.forEach((l, i) => s.text(550, 60 + i * 10, l, { size: 8, align: 'right' }));
  s.text(57, 128, `${f.hotel.name} · ${f.hotel.lines.join(' · ')}`, { size: 6, grey: true });
  s.line(57, 131, 260, 131, 0.3);
  [f.guest.title, `${f.guest.first} ${f.guest.last}`, ...f.addressLines].forEach((l, i) => s.text(57, 148 + i * 12, l, { size: 10 }));
  labelColumn(s, 380, 148, [
    ['Rechnungs-Nr.:', f.folioNumber],
    ['Datum:', formatDate(f.departure, 'DD.MM.YYYY')],
    ['Zimmer:', f.room],
    ['Anreise:', formatDate(f.arrival, 'DD.MM.YYYY')],
    ['Abreise:', formatDate(f.departure, 'DD.MM.YYYY')],
    ['Res.-Nr.:', f.confirmationNumber],
    ['Seite:', '1 von 1'],
  ], { valueAt: 460 });
  s.text(57, 265, 'Rechnung', { font: 'sansBold', size: 13 });
  const salutation = f.guest.title === 'Herrn' ? `Sehr geehrter Herr ${f.guest.last},` : `Sehr geehrte Frau ${f.guest.last},`;
  s.text(57, 285, salutation, { size: 9.5 });
  s.text(57, 298, `für Ihren Aufenthalt vom ${formatDate(f.arrival, 'D. Month YYYY', 'de')} bis ${formatDate(f.departure, 'D. Month YYYY', 'de')} berechnen wir:`, { size: 9.5 });
  const { y } = chargeTable(s, 320, {
    columns: { date: { x: 57, header: 'Datum' }, text: { x: 120, header: 'Leistung' }, qty: { x: 330, header: 'Menge', align: 'right' }, unit: { x: 430, header: 'Einzelpreis', align: 'right' }, charge: { x: 535, header: 'Betrag', align: 'right' } },
    date: dates('DD.MM.YYYY'),
    amount: eur,
    rows: rowsOf(f, 'de', { withQty: true }).filter((r) => r.charge !== undefined),
    perPage: 30,
  });
  s.line(57, y - 4, 540, y - 4);
  s.text(120, y + 10, f.variant % 2 ? 'Rechnungsbetrag' : 'Gesamtbetrag', { font: 'sansBold', size: 10 });
  s.text(535, y + 10, `${eur(total(f))} €`, { font: 'sansBold', size: 10, align: 'right' });
  const pay = f.payments[0]!;
  s.text(120, y + 24, pay.method, { size: 9 });
  s.text(535, y + 24, `-${eur(pay.amount)} €`, { size: 9, align: 'right' });
  s.text(120, y + 38, 'Offener Betrag', { size: 9 });
  s.text(535, y + 38, '0,00 €', { size: 9, align: 'right' });
  const vat = vatOf(f);
  const head = ['MwSt.-Satz', 'Netto', 'MwSt.', 'Brutto'];
  head.forEach((h, i) => s.text(i === 0 ? 120 : 240 + i * 80, y + 62, h, { size: 8, font: 'sansBold', align: i === 0 ? 'left' : 'right' }));
  [rate(f), eur(round(vatable(f) - vat, 'EUR')), eur(vat), eur(vatable(f))].forEach((c, i) => s.text(i === 0 ? 120 : 240 + i * 80, y + 74, c, { size: 8, align: i === 0 ? 'left' : 'right' }));
  if (total(f) !== vatable(f)) ['0 %', eur(total(f) - vatable(f)), '0,00', eur(total(f) - vatable(f))].forEach((c, i) => s.text(i === 0 ? 120 : 240 + i * 80, y + 86, c, { size: 8, align: i === 0 ? 'left' : 'right' }));
  s.text(57, 790, `${f.hotel.name} GmbH · Amtsgericht Ansbach HRB 1234 · ${f.hotel.taxId} · IBAN DE89 3704 0044 0532 0130 00`, { size: 6.5, grey: true });
  return s;
}

/** Two pages with the header repeated, Soll/Haben columns, "Übertrag" at the foot and head of the break. */
async function swissTwoPage(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Rechnung');
  const chf = money('ch');
  const d = 'DD.MM.YY';
  const rows = rowsOf(f, 'de');
  const perPage = Math.ceil(rows.length / 2);
  const header = (page: number) => {
    s.text(45, 45, f.hotel.name, { font: 'serifBold', size: 15 });
    s.text(45, 60, f.hotel.lines.join(' · '), { size: 8 });
    s.text(550, 45, `Rechnung Nr. ${f.folioNumber}`, { font: 'sansBold', size: 10, align: 'right' });
    s.text(550, 60, `Seite ${page}/2`, { size: 8, align: 'right' });
    labelColumn(s, 330, 90, [
      ['Gast', `${f.guest.title} ${f.guest.first} ${f.guest.last}`],
      ['Zimmer', f.room],
      ['Ankunft', formatDate(f.arrival, d)],
      ['Abreise', formatDate(f.departure, d)],
      ['Buchungsnr.', f.confirmationNumber],
    ], { valueAt: 400 });
    return 175;
  };
  header(1);
  [f.guest.title, `${f.guest.first} ${f.guest.last}`, ...f.addressLines].forEach((l, i) => s.text(45, 100 + i * 12, l, { size: 10 }));
  const { y } = chargeTable(s, 185, {
    columns: { date: { x: 45, header: 'Datum' }, text: { x: 100, header: 'Beschreibung' }, charge: { x: 460, header: 'Soll', align: 'right' }, credit: { x: 545, header: 'Haben', align: 'right' } },
    date: dates(d),
    amount: chf,
    rows,
    perPage,
    carried: { label: 'Übertrag' },
    onNewPage: header,
  });
  s.line(45, y - 4, 550, y - 4);
  s.text(100, y + 10, 'Total CHF', { font: 'sansBold', size: 10 });
  s.text(460, y + 10, chf(total(f)), { font: 'sansBold', size: 10, align: 'right' });
  s.text(545, y + 10, chf(total(f)), { font: 'sansBold', size: 10, align: 'right' });
  s.text(100, y + 24, 'Saldo CHF', { size: 9 });
  s.text(545, y + 24, '0.00', { size: 9, align: 'right' });
  s.text(100, y + 44, `Im Total enthalten: MWST ${rate(f, '.')} auf CHF ${chf(vatable(f))} = CHF ${chf(vatOf(f))}`, { size: 8 });
  s.text(45, 800, 'MWST-Nr. CHE-123.456.789 MWST · Kurtaxe gemäss Reglement der Gemeinde', { size: 6.5, grey: true });
  return s;
}

/** An Italian conto: labelled guest (Ospite), Arrivo/Partenza, "Totale € 1.302,50", IVA included, saldo. */
async function italianConto(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Conto');
  const eur = money('de');
  s.text(A4.width / 2, 45, f.hotel.name.toUpperCase(), { font: 'serifBold', size: 15, align: 'center' });
  s.text(A4.width / 2, 60, `${f.hotel.lines.join(' - ')} - ${f.hotel.taxId}`, { size: 8, align: 'center', font: 'serif' });
  s.text(45, 100, `CONTO N. ${f.folioNumber}`, { font: 'serifBold', size: 12 });
  s.text(250, 100, `del ${formatDate(f.departure, 'DD/MM/YYYY')}`, { font: 'serif', size: 10 });
  labelColumn(s, 45, 125, [
    ['Ospite:', `${f.guest.title} ${f.guest.first} ${f.guest.last}`],
    ['Camera:', f.room],
    ['Arrivo:', formatDate(f.arrival, 'DD/MM/YYYY')],
    ['Partenza:', formatDate(f.departure, 'DD/MM/YYYY')],
    ['Prenotazione N.:', f.confirmationNumber],
  ], { valueAt: 130, font: 'serif', size: 9.5, lineHeight: 13 });
  labelColumn(s, 340, 125, [['Persone:', '2'], ['Trattamento:', f.variant % 2 ? 'B&B' : 'Solo pernottamento']], { valueAt: 410, font: 'serif' });
  const { y } = chargeTable(s, 210, {
    columns: { date: { x: 45, header: 'Data' }, text: { x: 110, header: 'Descrizione' }, qty: { x: 400, header: 'Q.tà', align: 'right' }, charge: { x: 545, header: 'Importo €', align: 'right' } },
    date: dates('DD/MM/YYYY'),
    amount: eur,
    rows: rowsOf(f, 'it', { withQty: true }).filter((r) => r.charge !== undefined).map((r) => ({ ...r, unit: undefined })),
    font: 'serif',
    perPage: 32,
  });
  s.line(45, y - 4, 550, y - 4);
  s.text(110, y + 10, f.variant === 3 ? 'TOTALE DA PAGARE' : 'Totale', { font: 'serifBold', size: 11 });
  s.text(545, y + 10, `${eur(total(f))} €`, { font: 'serifBold', size: 11, align: 'right' });
  s.text(110, y + 24, `di cui IVA ${Math.round(f.vatRate * 100)}%`, { size: 8.5, font: 'serif' });
  s.text(545, y + 24, eur(vatOf(f)), { size: 8.5, font: 'serif', align: 'right' });
  s.text(110, y + 38, f.payments[0]!.method, { size: 9, font: 'serif' });
  s.text(545, y + 38, eur(f.payments[0]!.amount), { size: 9, font: 'serif', align: 'right' });
  s.text(110, y + 52, 'Saldo', { size: 9, font: 'serif' });
  s.text(545, y + 52, '0,00', { size: 9, font: 'serif', align: 'right' });
  s.text(A4.width / 2, 800, 'Documento non valido ai fini fiscali - la fattura sarà emessa su richiesta', { size: 7, align: 'center', grey: true });
  return s;
}

/** A Portuguese fatura: ISO invoice date, several labels on one line, IVA column, "Total Ilíquido". */
async function portugueseFatura(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Fatura');
  const eur = money(f.variant % 2 ? 'pt' : 'de');
  s.text(45, 45, f.hotel.name, { font: 'sansBold', size: 14 });
  f.hotel.lines.forEach((l, i) => s.text(45, 60 + i * 10, l, { size: 8 }));
  s.text(45, 82, `NIF: 50${f.folioNumber.replace(/\D/g, '').slice(0, 7)}`, { size: 8 });
  s.text(550, 45, 'FATURA', { font: 'sansBold', size: 16, align: 'right' });
  s.text(550, 62, `Fatura n.º ${f.folioNumber}`, { size: 9, align: 'right' });
  s.text(550, 74, `Data: ${formatDate(f.departure, 'YYYY-MM-DD')}`, { size: 9, align: 'right' });
  s.text(550, 86, 'Original', { size: 8, align: 'right' });
  const addressee = f.variant < 2 ? ['Exmo(a). Sr(a).', `${f.guest.first} ${f.guest.last}`] : [`Hóspede: ${f.guest.first} ${f.guest.last}`];
  [...addressee, ...f.addressLines, 'NIF: 999999990'].forEach((l, i) => s.text(330, 120 + i * 12, l, { size: 9.5 }));
  const stay: [string, string | undefined][] = [['Quarto:', f.room], ['Chegada:', formatDate(f.arrival, 'DD-MM-YYYY')], ['Partida:', formatDate(f.departure, 'DD-MM-YYYY')], ['N.º Reserva:', f.confirmationNumber]];
  let x = 45;
  for (const [label, value] of stay) {
    if (!value) continue;
    s.text(x, 205, label, { size: 8.5, font: 'sansBold' });
    s.text(x + s.width(label, 'sansBold', 8.5) + 4, 205, value, { size: 8.5 });
    x += 130;
  }
  const { y } = chargeTable(s, 230, {
    columns: { date: { x: 45, header: 'Data' }, text: { x: 105, header: 'Descrição' }, qty: { x: 300, header: 'Qtd.', align: 'right' }, unit: { x: 380, header: 'Preço Unit.', align: 'right' }, vat: { x: 440, header: 'IVA', align: 'right' }, charge: { x: 545, header: 'Total', align: 'right' } },
    date: dates('DD-MM-YYYY'),
    amount: eur,
    rows: rowsOf(f, 'pt', { withQty: true }).filter((r) => r.charge !== undefined),
    vatColumnText: `${Math.round(f.vatRate * 100)}%`,
    perPage: 30,
    perWord: true,
  });
  s.line(300, y - 4, 550, y - 4);
  const vat = vatOf(f);
  const sums: [string, number][] = [['Total Ilíquido', round(total(f) - vat, 'EUR')], ['Total IVA', vat], ['Total (EUR)', total(f)]];
  sums.forEach(([label, n], i) => {
    s.text(330, y + 10 + i * 13, label, { size: 9, font: i === 2 ? 'sansBold' : 'sans' });
    s.text(545, y + 10 + i * 13, eur(n), { size: 9, font: i === 2 ? 'sansBold' : 'sans', align: 'right' });
  });
  s.text(45, y + 60, `${f.payments[0]!.method}: ${eur(f.payments[0]!.amount)} €`, { size: 9 });
  s.text(45, 780, `ATCUD: JFM3${f.room}-${f.folioNumber.slice(-4)}`, { size: 7 });
  s.text(45, 790, 'Processado por programa certificado n.º 1234/AT · IVA incluído à taxa legal em vigor', { size: 7, grey: true });
  return s;
}

/** A Dutch nota: Dhr./Mevr. addressee, Aankomst/Vertrek, date with a month name, "€ 1.234,56". */
async function dutchNota(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Nota');
  const eur = money('de');
  s.text(550, 45, f.hotel.name, { font: 'sansBold', size: 14, align: 'right' });
  f.hotel.lines.forEach((l, i) => s.text(550, 60 + i * 10, l, { size: 8, align: 'right' }));
  [`${f.guest.title} ${f.guest.first} ${f.guest.last}`, ...f.addressLines].forEach((l, i) => s.text(50, 130 + i * 12, l, { size: 10 }));
  s.text(50, 210, 'NOTA', { font: 'sansBold', size: 14 });
  labelColumn(s, 50, 232, [
    ['Notanummer', f.folioNumber],
    ['Datum', formatDate(f.departure, 'D Month YYYY', 'nl')],
    ['Kamer', f.room],
  ], { colonAt: 125, valueAt: 132 });
  labelColumn(s, 300, 232, [
    ['Aankomst', formatDate(f.arrival, 'DD-MM-YYYY')],
    ['Vertrek', formatDate(f.departure, 'DD-MM-YYYY')],
    ['Reserveringsnr.', f.confirmationNumber],
  ], { colonAt: 380, valueAt: 387 });
  const { y } = chargeTable(s, 290, {
    columns: { date: { x: 50, header: 'Datum' }, text: { x: 115, header: 'Omschrijving' }, qty: { x: 380, header: 'Aantal', align: 'right' }, charge: { x: 545, header: 'Bedrag', align: 'right' } },
    date: dates('DD-MM-YYYY'),
    amount: (n) => `€ ${eur(n)}`,
    rows: rowsOf(f, 'nl', { withQty: true }).filter((r) => r.charge !== undefined).map((r) => ({ ...r, unit: undefined })),
    perPage: 30,
  });
  s.line(50, y - 4, 550, y - 4);
  s.text(115, y + 10, 'Totaal', { font: 'sansBold', size: 10 });
  s.text(545, y + 10, `€ ${eur(total(f))}`, { font: 'sansBold', size: 10, align: 'right' });
  s.text(115, y + 24, f.payments[0]!.method, { size: 9 });
  s.text(545, y + 24, `€ -${eur(f.payments[0]!.amount)}`, { size: 9, align: 'right' });
  s.text(115, y + 38, 'Openstaand saldo', { size: 9 });
  s.text(545, y + 38, '€ 0,00', { size: 9, align: 'right' });
  s.text(115, y + 58, `Waarvan BTW ${Math.round(f.vatRate * 100)}% over € ${eur(vatable(f))}:`, { size: 8 });
  s.text(545, y + 58, `€ ${eur(vatOf(f))}`, { size: 8, align: 'right' });
  s.text(A4.width / 2, 800, `KvK 12345678 · ${f.hotel.taxId} · IBAN NL91 ABNA 0417 1643 00`, { size: 6.5, align: 'center', grey: true });
  return s;
}

/** A Spanish factura: Cliente with D./Dña., Entrada/Salida/Localizador on one line, Cargos/Abonos. */
async function spanishFactura(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Factura');
  const eur = money('de');
  s.text(45, 45, f.hotel.name, { font: 'sansBold', size: 14 });
  s.text(45, 60, `${f.hotel.lines.join(', ')} · CIF B${f.folioNumber.replace(/\D/g, '').padEnd(8, '7')}`, { size: 8 });
  s.text(550, 45, 'FACTURA', { font: 'sansBold', size: 15, align: 'right' });
  s.text(550, 62, `Nº Factura: ${f.folioNumber}`, { size: 9, align: 'right' });
  s.text(550, 74, `Fecha: ${formatDate(f.departure, 'DD/MM/YYYY')}`, { size: 9, align: 'right' });
  s.text(45, 110, 'Cliente:', { size: 9, font: 'sansBold' });
  s.text(90, 110, `${f.guest.title} ${f.guest.first} ${f.guest.last}`, { size: 9 });
  s.text(45, 122, 'Dirección:', { size: 9, font: 'sansBold' });
  s.text(98, 122, f.addressLines.join(', '), { size: 9 });
  const stay: [string, string | undefined][] = [['Habitación:', f.room], ['Entrada:', formatDate(f.arrival, 'DD/MM/YYYY')], ['Salida:', formatDate(f.departure, 'DD/MM/YYYY')], ['Localizador:', f.confirmationNumber]];
  stay.forEach(([label, value], i) => {
    if (!value) return;
    s.text(45 + i * 130, 145, label, { size: 8.5, font: 'sansBold' });
    s.text(45 + i * 130 + s.width(label, 'sansBold', 8.5) + 4, 145, value, { size: 8.5 });
  });
  const { y } = chargeTable(s, 175, {
    columns: { date: { x: 45, header: 'Fecha' }, text: { x: 110, header: 'Concepto' }, charge: { x: 455, header: 'Cargos', align: 'right' }, credit: { x: 545, header: 'Abonos', align: 'right' } },
    date: dates('DD/MM/YYYY'),
    amount: eur,
    rows: rowsOf(f, 'es'),
    perPage: 36,
  });
  s.line(45, y - 4, 550, y - 4);
  const vat = vatOf(f);
  const lines: [string, string][] = [['Base imponible', eur(round(vatable(f) - vat, 'EUR'))], [`IVA ${Math.round(f.vatRate * 100)}%`, eur(vat)], ['Tasa turística (exenta)', eur(round(total(f) - vatable(f), 'EUR'))], ['Total factura', `${eur(total(f))} €`], ['Pendiente', '0,00 €']];
  lines.forEach(([label, value], i) => {
    s.text(300, y + 10 + i * 13, label, { size: 9, font: i === 3 ? 'sansBold' : 'sans' });
    s.text(545, y + 10 + i * 13, value, { size: 9, font: i === 3 ? 'sansBold' : 'sans', align: 'right' });
  });
  s.text(45, 800, 'Inscrita en el Registro Mercantil de Madrid, Tomo 1234, Folio 56, Hoja M-7890', { size: 6.5, grey: true });
  return s;
}

// English-labelled house styles: an OPERA-style information invoice, a US select-service folio, a UK
// folio with a VAT summary and a Japanese-yen folio. Each modelled on what those systems print.
import { chargesTotal, formatAmount, formatDate, round, vatOf, type IndependentFolio } from './model';
import { chargeTable, dates, labelColumn, money, rowsOf } from './parts';
import { A4, LETTER, Sheet } from './sheet';

export async function renderEnglishStyle(f: IndependentFolio): Promise<Sheet | undefined> {
  switch (f.style) {
    case 'opera-information-invoice': return opera(f);
    case 'us-select-service': return usSelectService(f);
    case 'uk-vat-folio': return ukVatFolio(f);
    case 'japan-yen': return japanYen(f);
    default: return undefined;
  }
}

const total = chargesTotal;

/** OPERA: addressee block unlabelled, the stay in a label column at the right, Charges/Credits columns. */
async function opera(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Information Invoice');
  const d = f.dateOrder === 'mdy' ? 'MM-DD-YY' : 'DD-MM-YY';
  const amt = money('en');
  // Report engines emit fields in their own order: the right-hand box comes first in the content stream.
  labelColumn(s, 350, 120, [
    ['Room No.', f.room],
    ['Arrival', formatDate(f.arrival, d)],
    ['Departure', formatDate(f.departure, d)],
    ['Page No.', '1 of 1'],
    ['Folio No.', f.folioNumber],
    ['Conf. No.', f.confirmationNumber],
    ['Cashier No.', String(20 + f.variant)],
    ['User ID', 'FO.SUPERVISOR'],
    ['Invoice Date', formatDate(f.departure, d)],
  ], { colonAt: 420, valueAt: 428 });
  s.text(A4.width / 2, 50, f.hotel.name, { font: 'sansBold', size: 15, align: 'center' });
  f.hotel.lines.forEach((l, i) => s.text(A4.width / 2, 66 + i * 11, l, { size: 8, align: 'center' }));
  const block = [`${f.guest.title} ${f.guest.first} ${f.guest.last}`, ...(f.variant % 2 ? ['Northwind Consulting Ltd'] : []), ...f.addressLines];
  block.forEach((l, i) => s.text(55, 120 + i * 12, l, { size: 9 }));
  s.text(A4.width / 2, 245, 'INFORMATION INVOICE', { font: 'sansBold', size: 12, align: 'center' });
  const { y } = chargeTable(s, 275, {
    columns: { date: { x: 45, header: 'Date' }, text: { x: 110, header: 'Description' }, charge: { x: 455, header: 'Charges', align: 'right' }, credit: { x: 545, header: 'Credits', align: 'right' } },
    date: dates(d),
    amount: amt,
    rows: rowsOf(f, 'en'),
    perPage: 40,
  });
  s.line(40, y - 6, 555, y - 6);
  s.text(110, y + 6, 'Total', { font: 'sansBold', size: 9 });
  s.text(455, y + 6, amt(total(f)), { font: 'sansBold', size: 9, align: 'right' });
  s.text(545, y + 6, amt(total(f)), { font: 'sansBold', size: 9, align: 'right' });
  s.text(110, y + 22, f.variant === 2 ? 'Balance Due' : 'Balance', { font: 'sansBold', size: 9 });
  s.text(545, y + 22, `0.00 ${f.currency}`, { font: 'sansBold', size: 9, align: 'right' });
  if (f.vatRate > 0) {
    const vat = vatOf(f);
    const gross = round(f.charges.filter((c) => c.kind !== 'citytax').reduce((a, c) => a + c.amount, 0), f.currency);
    s.text(45, y + 50, 'Tax Code', { size: 8, font: 'sansBold' });
    s.text(260, y + 50, 'Net Amount', { size: 8, font: 'sansBold', align: 'right' });
    s.text(340, y + 50, 'VAT', { size: 8, font: 'sansBold', align: 'right' });
    s.text(430, y + 50, 'Gross Amount', { size: 8, font: 'sansBold', align: 'right' });
    s.text(45, y + 62, `VAT ${Math.round(f.vatRate * 100)}%`, { size: 8 });
    s.text(260, y + 62, amt(round(gross - vat, f.currency)), { size: 8, align: 'right' });
    s.text(340, y + 62, amt(vat), { size: 8, align: 'right' });
    s.text(430, y + 62, amt(gross), { size: 8, align: 'right' });
  }
  s.text(45, 760, 'Guest Signature: ______________________________', { size: 8 });
  s.text(45, 775, 'I agree that my liability for this bill is not waived and agree to be held personally liable in the event', { size: 6.5, grey: true });
  s.text(45, 783, 'that the indicated person, company or association fails to pay for any part or the full amount of these charges.', { size: 6.5, grey: true });
  s.text(A4.width / 2, 805, `${f.hotel.name} · ${f.hotel.lines.join(' · ')} · ${f.hotel.taxId}`, { size: 6.5, align: 'center', grey: true });
  return s;
}

/** A US select-service folio: SURNAME, GIVEN at the top, one AMOUNT column, payments negative, balance. */
async function usSelectService(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(LETTER, 'Guest Folio');
  const d = 'MM/DD/YY';
  const amt = money('en');
  s.text(306, 40, f.hotel.name, { font: 'sansBold', size: 14, align: 'center' });
  s.text(306, 55, f.hotel.lines.join('  |  '), { size: 8, align: 'center' });
  const name = f.variant < 2 ? `${f.guest.last}, ${f.guest.first}` : `${f.guest.first} ${f.guest.last}`;
  [name, ...f.addressLines].forEach((l, i) => s.text(50, 100 + i * 12, l, { size: 9, font: i === 0 ? 'sansBold' : 'sans' }));
  labelColumn(s, 340, 100, [
    ['Room:', `${f.room}`],
    ['Arrival Date:', `${formatDate(f.arrival, d)} 3:${10 + f.variant}PM`],
    ['Departure Date:', `${formatDate(f.departure, d)} 11:02AM`],
    ['Adult/Child:', '1/0'],
    ['Room Rate:', amt(f.charges[0]!.amount)],
    ['Conf. Number:', f.confirmationNumber],
    ['Folio No:', f.folioNumber],
  ], { valueAt: 430 });
  const rows = rowsOf(f, 'us', { negativePayments: true });
  const { y } = chargeTable(s, 210, {
    columns: { date: { x: 50, header: 'DATE' }, text: { x: 115, header: 'DESCRIPTION' }, qty: { x: 300, header: 'ID' }, unit: { x: 420, header: 'REF NO', align: 'right' }, charge: { x: 560, header: 'AMOUNT', align: 'right' } },
    date: dates(d),
    amount: amt,
    rows,
    perPage: 38,
    perWord: true,
  });
  // Cashier id and reference numbers, as the PMS prints them beside each row.
  rows.forEach((_, i) => {
    s.text(300, 224 + i * 12, 'FDSK1', { size: 8 });
    s.text(420, 224 + i * 12, String(40000 + ((i * 7919 + Number(f.folioNumber.slice(-3))) % 9999)), { size: 8, align: 'right' });
  });
  if (f.variant % 2) {
    s.text(115, y + 10, 'Total Charges', { font: 'sansBold', size: 9 });
    s.text(560, y + 10, `$${amt(total(f))}`, { font: 'sansBold', size: 9, align: 'right' });
    s.text(115, y + 22, 'Total Payments', { font: 'sansBold', size: 9 });
    s.text(560, y + 22, `-$${amt(total(f))}`, { font: 'sansBold', size: 9, align: 'right' });
  }
  s.text(115, y + 38, 'BALANCE', { font: 'sansBold', size: 10 });
  s.text(560, y + 38, '$0.00', { font: 'sansBold', size: 10, align: 'right' });
  s.text(50, 720, 'This statement is your only receipt. You have agreed to pay in cash or by approved personal check or to', { size: 7, grey: true });
  s.text(50, 729, 'authorize us to charge your credit card for all amounts charged to you.', { size: 7, grey: true });
  return s;
}

/** A UK folio: addressee block, abbreviated labels (Arr./Dep.), Debit/Credit, VAT summary table. */
async function ukVatFolio(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Guest Folio');
  const amt = money('en');
  s.text(45, 50, f.hotel.name, { font: 'serifBold', size: 16 });
  s.text(45, 64, f.hotel.lines.join(', '), { size: 8, font: 'serif' });
  s.text(550, 50, 'GUEST FOLIO', { font: 'sansBold', size: 12, align: 'right' });
  [`${f.guest.title} ${f.guest.first} ${f.guest.last}`, ...f.addressLines].forEach((l, i) => s.text(45, 120 + i * 12, l, { size: 9.5, font: 'serif' }));
  labelColumn(s, 360, 120, [
    ['Folio No', f.folioNumber],
    ['Room', f.room],
    ['Arr.', formatDate(f.arrival, 'DD/MM/YYYY')],
    ['Dep.', formatDate(f.departure, 'DD/MM/YYYY')],
    ['Booking Ref', f.confirmationNumber],
    ['Date', formatDate(f.departure, 'D Mon YYYY')],
  ], { valueAt: 440, font: 'serif' });
  const { y } = chargeTable(s, 230, {
    columns: { date: { x: 45, header: 'Date' }, text: { x: 110, header: 'Details' }, charge: { x: 460, header: 'Debit', align: 'right' }, credit: { x: 550, header: 'Credit', align: 'right' } },
    date: dates('DD/MM/YY'),
    amount: amt,
    rows: rowsOf(f, 'en'),
    font: 'serif',
    perPage: 40,
  });
  s.text(110, y + 8, 'Total', { font: 'serifBold', size: 9.5 });
  s.text(460, y + 8, `£${amt(total(f))}`, { font: 'serifBold', size: 9.5, align: 'right' });
  s.text(550, y + 8, `£${amt(total(f))}`, { font: 'serifBold', size: 9.5, align: 'right' });
  s.text(110, y + 22, 'Balance Due', { font: 'serifBold', size: 9.5 });
  s.text(550, y + 22, '£0.00', { font: 'serifBold', size: 9.5, align: 'right' });
  const vat = vatOf(f);
  s.text(45, y + 50, 'VAT Summary', { font: 'sansBold', size: 9 });
  ['Rate', 'Net', 'VAT', 'Gross'].forEach((h, i) => s.text(i === 0 ? 45 : 200 + i * 90, y + 64, h, { font: 'sansBold', size: 8, align: i === 0 ? 'left' : 'right' }));
  const cells = ['Standard 20%', amt(round(total(f) - vat, 'GBP')), amt(vat), amt(total(f))];
  cells.forEach((c, i) => s.text(i === 0 ? 45 : 200 + i * 90, y + 76, c, { size: 8, align: i === 0 ? 'left' : 'right' }));
  s.text(A4.width / 2, 800, `${f.hotel.name} Ltd · Registered in England No. 0${f.folioNumber.slice(1)} · VAT Reg No: GB 123 4567 89`, { size: 6.5, align: 'center', grey: true });
  return s;
}

/** A Japanese business-hotel folio in English: SURNAME/GIVEN TITLE, yyyy/mm/dd, yen without decimals. */
async function japanYen(f: IndependentFolio): Promise<Sheet> {
  const s = await Sheet.create(A4, 'Guest Folio');
  const yen = (n: number) => formatAmount(n, 'en', 0);
  s.text(A4.width / 2, 45, 'GUEST FOLIO', { font: 'sansBold', size: 14, align: 'center' });
  s.text(A4.width / 2, 62, f.hotel.name, { size: 10, align: 'center' });
  s.text(A4.width / 2, 74, f.hotel.lines.join(' '), { size: 7.5, align: 'center' });
  labelColumn(s, 50, 110, [
    ['Guest Name', `${f.guest.last}/${f.guest.first} ${f.guest.title}`],
    ['Room No.', f.room],
    ['Arrival', formatDate(f.arrival, 'YYYY/MM/DD')],
    ['Departure', formatDate(f.departure, 'YYYY/MM/DD')],
  ], { colonAt: 125, valueAt: 133 });
  labelColumn(s, 330, 110, [
    ['Folio No.', f.folioNumber],
    ['Reservation No.', f.confirmationNumber],
    ['Persons', '1'],
    ['Cashier', 'FRONT2'],
  ], { colonAt: 410, valueAt: 418 });
  const rowDates = f.variant >= 2 ? 'MM/DD' : 'YYYY/MM/DD';
  const { y } = chargeTable(s, 190, {
    columns: { date: { x: 50, header: 'Date' }, text: { x: 120, header: 'Description' }, charge: { x: 440, header: 'Charges', align: 'right' }, credit: { x: 540, header: 'Payments', align: 'right' } },
    date: dates(rowDates),
    amount: (n) => `¥${yen(n)}`,
    rows: rowsOf(f, 'ja'),
    perPage: 40,
  });
  s.text(120, y + 8, 'Total', { font: 'sansBold', size: 9.5 });
  s.text(440, y + 8, `¥${yen(total(f))}`, { font: 'sansBold', size: 9.5, align: 'right' });
  s.text(540, y + 8, `¥${yen(total(f))}`, { font: 'sansBold', size: 9.5, align: 'right' });
  s.text(120, y + 22, 'Balance', { font: 'sansBold', size: 9.5 });
  s.text(540, y + 22, '¥0', { font: 'sansBold', size: 9.5, align: 'right' });
  s.text(120, y + 40, `(Consumption Tax 10% included  ¥${yen(vatOf(f))})`, { size: 8 });
  s.text(50, 790, `Registration No. ${f.hotel.taxId}  Thank you for staying with us.`, { size: 7, grey: true });
  return s;
}

// What we say to a hotel about one guest beyond the plain request, in the hotel's language: what was wrong
// with the document it sent and what we need instead, "we wrote to you — did it arrive?", every spelling of
// the guest's name to look a booking up under, the signed form it asked for. Pure: emails and the voice
// agent's guest list both use it.
import { DateTime } from 'luxon';
import type { GuestAsk, ReaskNeed } from './model';
import type { Remedy } from './validation';

export type AskLanguage = 'en' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'nl';
export const ASK_LANGUAGES: readonly AskLanguage[] = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];

/** Every other way the booking may be filed under the guest's name: other names the client gave (a maiden name), each part of a double surname, initials, surname first. */
export function nameVariants(guest: { firstName: string; lastName: string; additionalNames?: string[] }): string[] {
  const first = guest.firstName.trim().replace(/\s+/g, ' ');
  const last = guest.lastName.trim().replace(/\s+/g, ' ');
  const initials = first
    .split(/[\s-]+/)
    .filter(Boolean)
    .map((p) => `${p[0]!.toUpperCase()}.`)
    .join(' ');
  // "García Márquez", "Smith-Jones": each part alone; "van der Berg" stays whole (lower-case particles bind).
  const parts = last.split(/[\s-]+/).filter((p) => p.length > 1 && p[0] === p[0]!.toUpperCase() && p[0] !== p[0]!.toLowerCase());
  const surnameParts = parts.length >= 2 ? parts : [];
  const candidates = [
    ...(guest.additionalNames ?? []).map((n) => n.trim().replace(/\s+/g, ' ')),
    ...surnameParts.map((p) => `${first} ${p}`),
    ...(last.includes('-') ? [`${first} ${last.replace(/-/g, ' ')}`] : []),
    `${initials} ${last}`,
    `${last}, ${first}`,
  ];
  const seen = new Set([`${first} ${last}`.toLowerCase()]);
  return candidates.filter((c) => {
    const k = c.toLowerCase();
    if (!c || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** What the checks said about a document that did not pass. */
export interface FailedCheck {
  codes: string[];
  remedy?: Remedy;
  /** The stay dates it shows (named when they are the problem). */
  found?: { arrival?: string; departure?: string };
  /** A person uploaded it: that person judges it, the hotel is not asked again. */
  uploaded?: boolean;
}

const WRONG_FOLIO = ['guest-mismatch', 'arrival-mismatch', 'departure-mismatch', 'confirmation-mismatch'];
const INCOMPLETE = ['guest-missing', 'arrival-missing', 'departure-missing', 'total-missing', 'line-items-missing'];

/** What to ask the hotel for instead, or undefined when only a person can judge (totals that do not add up, another currency). */
export function reaskNeed(failed: FailedCheck): ReaskNeed | undefined {
  if (failed.remedy === 'ask-hotel-for-system-pdf') return 'system-pdf'; // a scan or photo: only every check passing completes it
  if (failed.remedy === 'ask-hotel-for-readable-pdf') return 'readable-pdf';
  if (failed.codes.some((c) => WRONG_FOLIO.includes(c))) return 'correct-folio';
  if (failed.codes.length > 0 && failed.codes.every((c) => INCOMPLETE.includes(c))) return 'complete-folio';
  return undefined;
}

/** Validation codes grouped by what a front desk can act on. */
type Problem = 'another-guest' | 'other-dates' | 'other-booking' | 'missing' | 'unreadable' | 'does-not-add-up' | 'other-currency';
type Field = 'guest' | 'arrival' | 'departure' | 'total' | 'items' | 'currency';

const PROBLEM_OF: Record<string, Problem> = {
  'guest-mismatch': 'another-guest',
  'arrival-mismatch': 'other-dates',
  'departure-mismatch': 'other-dates',
  'confirmation-mismatch': 'other-booking',
  unreadable: 'unreadable',
  'ocr-low-confidence': 'unreadable',
  'total-inconsistent': 'does-not-add-up',
  'currency-mismatch': 'other-currency',
};
const MISSING_FIELD: Record<string, Field> = {
  'guest-missing': 'guest',
  'arrival-missing': 'arrival',
  'departure-missing': 'departure',
  'total-missing': 'total',
  'line-items-missing': 'items',
  'currency-missing': 'currency',
};

interface Words {
  sent: string;
  problem: Record<Exclude<Problem, 'other-dates' | 'missing'>, string> & { otherDates(found: string): string; missing(fields: string): string };
  field: Record<Field, string>;
  stay(arrival?: string, departure?: string): string;
  and: string;
  need: Record<ReaskNeed, string>;
  didItArrive(address: string, when: string): string;
  findBooking(variants: string): string;
  authorization(form?: string): string;
}

const WORDS: Record<AskLanguage, Words> = {
  en: {
    sent: 'The document you sent cannot be used:',
    problem: {
      'another-guest': 'it is the folio of another guest',
      otherDates: (found) => `it is for other dates (${found})`,
      'other-booking': 'it carries another confirmation number',
      missing: (fields) => `it does not show ${fields}`,
      unreadable: 'it is a scan or photo we cannot read reliably',
      'does-not-add-up': 'its charges do not add up to its total',
      'other-currency': 'it is in another currency than the stay was paid in',
    },
    field: { guest: "the guest's name", arrival: 'the arrival date', departure: 'the departure date', total: 'the total amount', items: 'the itemised charges', currency: 'the currency' },
    stay: (a, d) => [a && `arrival ${a}`, d && `departure ${d}`].filter(Boolean).join(', '),
    and: 'and',
    need: {
      'system-pdf': 'Could you please send the folio as a PDF straight from your hotel system, not a scan or a photo?',
      'readable-pdf': 'Could you please send the folio as a PDF that opens without a password?',
      'correct-folio': 'Could you please send the folio of this guest and this stay?',
      'complete-folio': 'Could you please send the final itemised folio with every charge and the total?',
    },
    didItArrive: (address, when) => `We wrote to ${address} on ${when} about this folio. Did our email arrive, and is this the right address for folio requests?`,
    findBooking: (variants) =>
      `You could not find this booking. Could you please look again under the confirmation number, the stay dates and these spellings of the guest's name: ${variants}? It may also have been booked through a travel agency or under the company's name.`,
    authorization: (form) => `Attached is the ${form ?? 'authorisation form'} signed by the guest. Could you please send us the folio now?`,
  },
  de: {
    sent: 'Das gesendete Dokument können wir nicht verwenden:',
    problem: {
      'another-guest': 'es ist die Rechnung eines anderen Gastes',
      otherDates: (found) => `es betrifft einen anderen Zeitraum (${found})`,
      'other-booking': 'es trägt eine andere Bestätigungsnummer',
      missing: (fields) => `es zeigt ${fields} nicht`,
      unreadable: 'es ist ein Scan oder Foto, das wir nicht sicher lesen können',
      'does-not-add-up': 'die Einzelposten ergeben nicht den Gesamtbetrag',
      'other-currency': 'es lautet auf eine andere Währung',
    },
    field: { guest: 'den Namen des Gastes', arrival: 'das Anreisedatum', departure: 'das Abreisedatum', total: 'den Gesamtbetrag', items: 'die Einzelposten', currency: 'die Währung' },
    stay: (a, d) => [a && `Anreise ${a}`, d && `Abreise ${d}`].filter(Boolean).join(', '),
    and: 'und',
    need: {
      'system-pdf': 'Bitte senden Sie uns die Rechnung als PDF direkt aus Ihrem Hotelsystem, nicht als Scan oder Foto.',
      'readable-pdf': 'Bitte senden Sie uns die Rechnung als PDF, das sich ohne Passwort öffnen lässt.',
      'correct-folio': 'Bitte senden Sie uns die Rechnung dieses Gastes für diesen Aufenthalt.',
      'complete-folio': 'Bitte senden Sie uns die endgültige Rechnung mit allen Einzelposten und dem Gesamtbetrag.',
    },
    didItArrive: (address, when) => `Wir haben am ${when} an ${address} wegen dieser Rechnung geschrieben. Ist unsere E-Mail angekommen, und ist das die richtige Adresse für Rechnungsanfragen?`,
    findBooking: (variants) =>
      `Sie konnten diese Buchung nicht finden. Bitte suchen Sie noch einmal unter der Bestätigungsnummer, dem Aufenthaltszeitraum und diesen Schreibweisen des Namens: ${variants}. Die Buchung kann auch über ein Reisebüro oder auf den Namen der Firma erfolgt sein.`,
    authorization: (form) => `Anbei das vom Gast unterschriebene ${form ?? 'Autorisierungsformular'}. Bitte senden Sie uns nun die Rechnung.`,
  },
  fr: {
    sent: 'Le document envoyé ne peut pas être utilisé :',
    problem: {
      'another-guest': "c'est la facture d'un autre client",
      otherDates: (found) => `il concerne d'autres dates (${found})`,
      'other-booking': 'il porte un autre numéro de confirmation',
      missing: (fields) => `il n'indique pas ${fields}`,
      unreadable: "c'est un scan ou une photo que nous ne pouvons pas lire de façon fiable",
      'does-not-add-up': 'le détail ne correspond pas au total',
      'other-currency': 'il est établi dans une autre devise',
    },
    field: { guest: 'le nom du client', arrival: "la date d'arrivée", departure: 'la date de départ', total: 'le montant total', items: 'le détail des prestations', currency: 'la devise' },
    stay: (a, d) => [a && `arrivée ${a}`, d && `départ ${d}`].filter(Boolean).join(', '),
    and: 'et',
    need: {
      'system-pdf': "Pourriez-vous nous envoyer la facture en PDF directement depuis votre logiciel hôtelier, et non un scan ou une photo ?",
      'readable-pdf': "Pourriez-vous nous envoyer la facture en PDF qui s'ouvre sans mot de passe ?",
      'correct-folio': 'Pourriez-vous nous envoyer la facture de ce client pour ce séjour ?',
      'complete-folio': 'Pourriez-vous nous envoyer la facture définitive détaillée, avec toutes les prestations et le total ?',
    },
    didItArrive: (address, when) => `Nous avons écrit à ${address} le ${when} au sujet de cette facture. Notre e-mail est-il bien arrivé, et est-ce la bonne adresse pour les demandes de facture ?`,
    findBooking: (variants) =>
      `Vous n'avez pas trouvé cette réservation. Pourriez-vous chercher à nouveau avec le numéro de confirmation, les dates du séjour et ces graphies du nom : ${variants} ? Elle a pu être faite par une agence de voyages ou au nom de l'entreprise.`,
    authorization: (form) => `Vous trouverez ci-joint le ${form ?? "formulaire d'autorisation"} signé par le client. Pourriez-vous maintenant nous envoyer la facture ?`,
  },
  es: {
    sent: 'El documento que nos enviaron no se puede utilizar:',
    problem: {
      'another-guest': 'es la factura de otro huésped',
      otherDates: (found) => `corresponde a otras fechas (${found})`,
      'other-booking': 'lleva otro número de confirmación',
      missing: (fields) => `no muestra ${fields}`,
      unreadable: 'es un escaneo o una foto que no podemos leer con fiabilidad',
      'does-not-add-up': 'los cargos no suman el total',
      'other-currency': 'está en otra moneda',
    },
    field: { guest: 'el nombre del huésped', arrival: 'la fecha de llegada', departure: 'la fecha de salida', total: 'el importe total', items: 'el detalle de los cargos', currency: 'la moneda' },
    stay: (a, d) => [a && `llegada ${a}`, d && `salida ${d}`].filter(Boolean).join(', '),
    and: 'y',
    need: {
      'system-pdf': '¿Podrían enviarnos la factura en PDF directamente desde su sistema hotelero, no un escaneo ni una foto?',
      'readable-pdf': '¿Podrían enviarnos la factura en un PDF que se abra sin contraseña?',
      'correct-folio': '¿Podrían enviarnos la factura de este huésped y de esta estancia?',
      'complete-folio': '¿Podrían enviarnos la factura definitiva detallada, con todos los cargos y el total?',
    },
    didItArrive: (address, when) => `Escribimos a ${address} el ${when} sobre esta factura. ¿Les llegó nuestro correo y es esta la dirección correcta para solicitar facturas?`,
    findBooking: (variants) =>
      `No encontraron esta reserva. ¿Podrían buscarla de nuevo con el número de confirmación, las fechas de la estancia y estas formas del nombre: ${variants}? También pudo hacerse a través de una agencia de viajes o a nombre de la empresa.`,
    authorization: (form) => `Adjuntamos el ${form ?? 'formulario de autorización'} firmado por el huésped. ¿Podrían enviarnos ahora la factura?`,
  },
  it: {
    sent: 'Il documento che ci avete inviato non è utilizzabile:',
    problem: {
      'another-guest': "è la fattura di un altro ospite",
      otherDates: (found) => `riguarda altre date (${found})`,
      'other-booking': 'riporta un altro numero di conferma',
      missing: (fields) => `non riporta ${fields}`,
      unreadable: 'è una scansione o una foto che non riusciamo a leggere con sicurezza',
      'does-not-add-up': 'gli addebiti non corrispondono al totale',
      'other-currency': 'è in un’altra valuta',
    },
    field: { guest: "il nome dell'ospite", arrival: 'la data di arrivo', departure: 'la data di partenza', total: "l'importo totale", items: 'il dettaglio degli addebiti', currency: 'la valuta' },
    stay: (a, d) => [a && `arrivo ${a}`, d && `partenza ${d}`].filter(Boolean).join(', '),
    and: 'e',
    need: {
      'system-pdf': 'Potreste inviarci la fattura in PDF direttamente dal vostro gestionale, non una scansione o una foto?',
      'readable-pdf': 'Potreste inviarci la fattura in un PDF che si apra senza password?',
      'correct-folio': 'Potreste inviarci la fattura di questo ospite per questo soggiorno?',
      'complete-folio': 'Potreste inviarci la fattura definitiva dettagliata, con tutti gli addebiti e il totale?',
    },
    didItArrive: (address, when) => `Vi abbiamo scritto a ${address} ${when} per questa fattura. La nostra email è arrivata, ed è questo l'indirizzo giusto per le richieste di fattura?`,
    findBooking: (variants) =>
      `Non avete trovato questa prenotazione. Potreste cercarla di nuovo con il numero di conferma, le date del soggiorno e queste grafie del nome: ${variants}? Potrebbe anche essere stata fatta tramite un'agenzia di viaggi o a nome dell'azienda.`,
    authorization: (form) => `In allegato il ${form ?? 'modulo di autorizzazione'} firmato dall'ospite. Potreste ora inviarci la fattura?`,
  },
  pt: {
    sent: 'O documento que nos enviaram não pode ser utilizado:',
    problem: {
      'another-guest': 'é a fatura de outro hóspede',
      otherDates: (found) => `refere-se a outras datas (${found})`,
      'other-booking': 'tem outro número de confirmação',
      missing: (fields) => `não indica ${fields}`,
      unreadable: 'é uma digitalização ou fotografia que não conseguimos ler com segurança',
      'does-not-add-up': 'os débitos não somam o total',
      'other-currency': 'está noutra moeda',
    },
    field: { guest: 'o nome do hóspede', arrival: 'a data de chegada', departure: 'a data de partida', total: 'o valor total', items: 'o detalhe dos débitos', currency: 'a moeda' },
    stay: (a, d) => [a && `chegada ${a}`, d && `partida ${d}`].filter(Boolean).join(', '),
    and: 'e',
    need: {
      'system-pdf': 'Poderiam enviar-nos a fatura em PDF diretamente do vosso sistema hoteleiro, e não uma digitalização ou fotografia?',
      'readable-pdf': 'Poderiam enviar-nos a fatura num PDF que abra sem palavra-passe?',
      'correct-folio': 'Poderiam enviar-nos a fatura deste hóspede e desta estadia?',
      'complete-folio': 'Poderiam enviar-nos a fatura final discriminada, com todos os débitos e o total?',
    },
    didItArrive: (address, when) => `Escrevemos para ${address} em ${when} sobre esta fatura. O nosso email chegou, e este é o endereço certo para pedidos de fatura?`,
    findBooking: (variants) =>
      `Não encontraram esta reserva. Poderiam procurar novamente com o número de confirmação, as datas da estadia e estas grafias do nome: ${variants}? A reserva também pode ter sido feita por uma agência de viagens ou em nome da empresa.`,
    authorization: (form) => `Em anexo, o ${form ?? 'formulário de autorização'} assinado pelo hóspede. Poderiam agora enviar-nos a fatura?`,
  },
  nl: {
    sent: 'Het document dat u stuurde kunnen wij niet gebruiken:',
    problem: {
      'another-guest': 'het is de rekening van een andere gast',
      otherDates: (found) => `het gaat over andere data (${found})`,
      'other-booking': 'het heeft een ander bevestigingsnummer',
      missing: (fields) => `het vermeldt ${fields} niet`,
      unreadable: 'het is een scan of foto die wij niet betrouwbaar kunnen lezen',
      'does-not-add-up': 'de posten tellen niet op tot het totaal',
      'other-currency': 'het is in een andere valuta',
    },
    field: { guest: 'de naam van de gast', arrival: 'de aankomstdatum', departure: 'de vertrekdatum', total: 'het totaalbedrag', items: 'de gespecificeerde posten', currency: 'de valuta' },
    stay: (a, d) => [a && `aankomst ${a}`, d && `vertrek ${d}`].filter(Boolean).join(', '),
    and: 'en',
    need: {
      'system-pdf': 'Kunt u de rekening als pdf rechtstreeks uit uw hotelsysteem sturen, en niet als scan of foto?',
      'readable-pdf': 'Kunt u de rekening sturen als pdf die zonder wachtwoord opent?',
      'correct-folio': 'Kunt u de rekening van deze gast voor dit verblijf sturen?',
      'complete-folio': 'Kunt u de definitieve gespecificeerde rekening sturen, met alle posten en het totaal?',
    },
    didItArrive: (address, when) => `Wij hebben op ${when} naar ${address} geschreven over deze rekening. Is onze e-mail aangekomen, en is dit het juiste adres voor rekeningaanvragen?`,
    findBooking: (variants) =>
      `U kon deze boeking niet vinden. Wilt u nog eens zoeken op het bevestigingsnummer, de verblijfsdata en deze schrijfwijzen van de naam: ${variants}? De boeking kan ook via een reisbureau of op naam van het bedrijf gemaakt zijn.`,
    authorization: (form) => `Bijgevoegd vindt u het door de gast ondertekende ${form ?? 'machtigingsformulier'}. Kunt u ons nu de rekening sturen?`,
  },
};

export function askLanguage(language: string | undefined): AskLanguage {
  return (ASK_LANGUAGES as readonly string[]).includes(language ?? '') ? (language as AskLanguage) : 'en';
}

function joinAll(items: string[], and: string): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

/** "Monday 30 November" in the hotel's language and time zone. */
export function writtenOn(iso: string, language: AskLanguage, timeZone = 'UTC'): string {
  const t = DateTime.fromISO(iso, { zone: timeZone }).setLocale(language);
  return t.isValid ? t.toFormat('cccc d LLLL') : iso;
}

/** The reasons a document failed, in words a front desk acts on (codes it does not know are left out). */
export function describeProblems(ask: Extract<GuestAsk, { kind: 'reask' }>, language: AskLanguage): string {
  const w = WORDS[language];
  const missing = [...new Set(ask.problems.map((c) => MISSING_FIELD[c]).filter((f): f is Field => !!f))].map((f) => w.field[f]);
  const problems = [...new Set(ask.problems.map((c) => PROBLEM_OF[c]).filter((p): p is Problem => !!p))];
  const said = problems.map((p) => (p === 'other-dates' ? w.problem.otherDates(w.stay(ask.found?.arrival, ask.found?.departure)) : w.problem[p as Exclude<Problem, 'other-dates' | 'missing'>]));
  if (missing.length) said.push(w.problem.missing(joinAll(missing, w.and)));
  return said.length ? `${w.sent} ${joinAll(said, w.and)}.` : w.sent.replace(/:$/, '.');
}

/** The sentences one guest's ask adds to an email or to the voice agent's guest list. */
export function describeAsk(ask: GuestAsk, language: string | undefined, timeZone?: string): string[] {
  const lang = askLanguage(language);
  const w = WORDS[lang];
  switch (ask.kind) {
    case 'reask':
      return [describeProblems(ask, lang), w.need[ask.need]];
    case 'did-it-arrive':
      return [w.didItArrive(ask.wroteTo, writtenOn(ask.sentAt, lang, timeZone))];
    case 'find-booking':
      return [w.findBooking(ask.nameVariants.join('; '))];
    case 'authorization':
      return [w.authorization(ask.form)];
  }
}

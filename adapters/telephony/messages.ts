// What our calls say, per language (falls back to English), and where a recording needs consent.
import type { Language } from '../../domain/schemas';

const SAY_LANGUAGE: Record<Language, string> = { en: 'en-US', de: 'de-DE', fr: 'fr-FR', es: 'es-ES', it: 'it-IT', pt: 'pt-PT', nl: 'nl-NL' };

type Texts = {
  consent: string;
  voicemail: (email: string, hotel: string) => string;
  overflow: (email: string) => string;
};

const TEXTS: Partial<Record<Language, Texts>> & { en: Texts } = {
  en: {
    consent: 'This call is recorded for quality and documentation.',
    voicemail: (email, hotel) =>
      `Hello ${hotel}, this is the folio desk calling about guest invoices for recent stays. Please email the folios to ${spell(email)}. We will also send the details by email. Thank you.`,
    overflow: (email) => `Thank you for your time. We will follow up by email at ${spell(email)} with the remaining guests. Goodbye.`,
  },
  de: {
    consent: 'Dieses Gespräch wird zu Dokumentationszwecken aufgezeichnet.',
    voicemail: (email, hotel) =>
      `Guten Tag ${hotel}, hier ist der Folio-Service. Es geht um die Rechnungen einiger Gäste. Bitte senden Sie die Rechnungen per E-Mail an ${spell(email)}. Wir schicken Ihnen die Details auch per E-Mail. Vielen Dank.`,
    overflow: (email) => `Vielen Dank für Ihre Zeit. Zu den übrigen Gästen melden wir uns per E-Mail von ${spell(email)}. Auf Wiederhören.`,
  },
  fr: {
    consent: 'Cet appel est enregistré à des fins de documentation.',
    voicemail: (email, hotel) =>
      `Bonjour ${hotel}, ici le service des factures. Nous vous appelons au sujet des factures de quelques clients. Merci de les envoyer par e-mail à ${spell(email)}. Nous vous envoyons aussi les détails par e-mail. Merci.`,
    overflow: (email) => `Merci de votre temps. Nous vous écrirons depuis ${spell(email)} pour les autres clients. Au revoir.`,
  },
  es: {
    consent: 'Esta llamada se graba con fines de documentación.',
    voicemail: (email, hotel) =>
      `Hola ${hotel}, le llama el servicio de facturas por las facturas de algunos huéspedes. Por favor, envíelas por correo a ${spell(email)}. También le enviaremos los detalles por correo. Gracias.`,
    overflow: (email) => `Gracias por su tiempo. Le escribiremos desde ${spell(email)} sobre los demás huéspedes. Adiós.`,
  },
};

/** An address read aloud: "folios at folio dot test". */
function spell(email: string): string {
  return email.replace('@', ' at ').replace(/\./g, ' dot ');
}

export function texts(language: Language): Texts {
  return TEXTS[language] ?? TEXTS.en;
}
export function sayLanguage(language: Language): string {
  return SAY_LANGUAGE[language] ?? 'en-US';
}

/** Countries where every party must be told of a recording (all-party consent). Overridable per deployment. */
export const DEFAULT_CONSENT_COUNTRIES: readonly string[] = ['DE', 'AT', 'CH', 'FR', 'IT', 'ES', 'PT', 'NL', 'BE'];

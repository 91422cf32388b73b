// What an operator sees of a folio in the Temporal Web UI: a one-line summary fixed at start (list and
// workflow page) and current details the workflow keeps up to date. Guest initials only: the UI is for
// following the chase, the guest's name stays in the encrypted request.
import type { FolioRequest } from './model';

/** "A.L. · hotel-123 · check-out 2026-11-28" */
export function folioSummary(req: Pick<FolioRequest, 'guest' | 'hotelId' | 'checkOut'>): string {
  return `${initials(req.guest.firstName, req.guest.lastName)} · ${req.hotelId} · check-out ${req.checkOut}`;
}

export interface FolioDetailsInput {
  status: string;
  nextAction?: string;
  nextActionAt?: string;
  lastOutcome?: string;
  attention?: string;
}

/** Markdown for the workflow page: status, what happens next and when, the last outcome, what needs a person. */
export function folioDetails(d: FolioDetailsInput): string {
  const lines = [`**Status:** ${d.status}`];
  if (d.nextAction || d.nextActionAt) lines.push(`**Next:** ${d.nextAction ?? 'next step'}${d.nextActionAt ? ` at ${d.nextActionAt}` : ''}`);
  if (d.lastOutcome) lines.push(`**Last outcome:** ${d.lastOutcome}`);
  if (d.attention) lines.push(`**Needs attention:** ${d.attention}`);
  return lines.join('\n\n');
}

function initials(...names: string[]): string {
  return names
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => `${[...n][0]!.toUpperCase()}.`)
    .join('');
}

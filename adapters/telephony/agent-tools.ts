// The voice agent's client tool, record_folio_outcome: its parameters (validated, since an LLM fills
// them) → the guest outcome our workflows understand. The schema the agent sees is agent/tools/*.json.
import { z } from 'zod';
import { describeAsk } from '../../domain/asks';
import type { BatchGuest, GuestOutcome, HotelSnapshot } from '../../domain/model';

export const RECORD_FOLIO_OUTCOME = 'record_folio_outcome';

const Params = z
  .object({
    folio_id: z.string().min(1).max(200).optional(),
    confirmation_number: z.string().min(1).max(64).optional(),
    outcome: z.enum(['agreed', 'callback', 'written_request_only', 'no_such_booking', 'refused', 'wrong_number', 'authorization_required']),
    email: z.email().optional(),
    callback_time: z.iso.datetime({ offset: true }).optional(),
    callback_phrase: z.string().max(200).optional(),
    reason: z.string().max(500).optional(),
    form: z.string().min(1).max(200).optional(),
  })
  .refine((p) => p.outcome === 'wrong_number' || p.folio_id || p.confirmation_number, { message: 'folio_id or confirmation_number is required' });

export class ToolCallError extends Error {
  override name = 'ToolCallError';
}

export function parseFolioOutcome(parameters: unknown): { folioId?: string; confirmationNumber?: string; outcome: GuestOutcome } {
  const r = Params.safeParse(parameters);
  if (!r.success) throw new ToolCallError(r.error.issues.map((i) => `${i.path.join('.') || 'parameters'}: ${i.message}`).join('; '));
  const p = r.data;
  const outcome: GuestOutcome = (() => {
    switch (p.outcome) {
      case 'agreed':
        return { kind: 'agreed', email: p.email };
      case 'callback':
        return { kind: 'callback', at: p.callback_time, phrase: p.callback_phrase };
      case 'written_request_only':
        return { kind: 'written_request_only', email: p.email };
      case 'no_such_booking':
        return { kind: 'no_such_booking' };
      case 'refused':
        return { kind: 'refused', reason: p.reason };
      case 'wrong_number':
        return { kind: 'wrong_number' };
      case 'authorization_required':
        return { kind: 'authorization_required', form: p.form, email: p.email };
    }
  })();
  // Drop undefined fields: they would otherwise travel as explicit nulls through history.
  return { folioId: p.folio_id, confirmationNumber: p.confirmation_number, outcome: JSON.parse(JSON.stringify(outcome)) as GuestOutcome };
}

/** Dynamic variables for the agent's prompt ({{hotel_name}}, {{guests}}, …); values must be strings or numbers. */
export function dynamicVariables(ctx: { callId: string; hotel: HotelSnapshot; guests: BatchGuest[]; replyTo: string }): Record<string, string | number> {
  // what a guest's ask adds (what was wrong with the document sent, "did our email arrive?", name variants) follows its line
  const guests = ctx.guests.map((g, i) => {
    const line = `${i + 1}. ${g.guestName}, confirmation ${g.confirmationNumber}, ${g.checkIn} to ${g.checkOut} (folio id ${g.folioId})`;
    return g.ask ? `${line}\n   Also say: ${describeAsk(g.ask, ctx.hotel.language, ctx.hotel.timeZone).join(' ')}` : line;
  });
  return {
    call_id: ctx.callId,
    hotel_id: ctx.hotel.hotelId,
    hotel_name: ctx.hotel.name,
    hotel_phone: ctx.hotel.phone,
    language: ctx.hotel.language,
    reply_email: ctx.replyTo,
    guest_count: ctx.guests.length,
    guests: guests.join('\n'),
    guests_json: JSON.stringify(ctx.guests.map((g) => ({ folio_id: g.folioId, guest_name: g.guestName, confirmation_number: g.confirmationNumber, check_in: g.checkIn, check_out: g.checkOut }))),
  };
}

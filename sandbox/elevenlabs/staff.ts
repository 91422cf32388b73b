// The hotel's staff in a simulated conversation: answers the agent guest by guest, per the profile,
// through the agent's client tool — as the real agent would after hearing the answer.
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { PhoneProfile, StaffReply } from '../profiles/phone';

export interface ConversationGuest {
  folio_id: string;
  guest_name: string;
  confirmation_number: string;
  check_in?: string;
  check_out?: string;
}

export interface EmulatedConversation {
  conversationId: string;
  agentId: string;
  dynamicVariables: Record<string, unknown>;
  profile?: string;
  startedAt: Date;
  endedAt?: Date;
  endedBy?: 'agent' | 'client';
  audioChunksIn: number;
  pongs: number;
  toolResults: { toolCallId: string; result: string; isError: boolean }[];
  /** contextual_update texts the client sent (e.g. the wrap-up before the overflow limit). */
  contextualUpdates: string[];
  transcript: { role: 'agent' | 'user'; message: string; time_in_call_secs: number }[];
  errors: string[];
}

const AUDIO = Buffer.alloc(800, 0xff).toString('base64'); // 100 ms of µ-law silence

export function toolParameters(reply: StaffReply, g: ConversationGuest): Record<string, string> {
  const base = { folio_id: g.folio_id, confirmation_number: g.confirmation_number, outcome: reply.kind };
  switch (reply.kind) {
    case 'agreed':
    case 'written_request_only':
      return reply.email ? { ...base, email: reply.email } : base;
    case 'callback':
      return { ...base, callback_phrase: reply.phrase };
    case 'refused':
      return { ...base, reason: reply.reason };
    default:
      return base;
  }
}

function staffLine(reply: StaffReply): string {
  switch (reply.kind) {
    case 'agreed':
      return `Yes, I can email that folio${reply.email ? `, it will come from ${reply.email}` : ''}.`;
    case 'callback':
      return `I can't look that up now, please call back ${reply.phrase}.`;
    case 'written_request_only':
      return `We need a written request for that${reply.email ? `, please write to ${reply.email}` : ''}.`;
    case 'no_such_booking':
      return "I can't find any booking under that confirmation number.";
    case 'refused':
      return `Sorry, we can't send that: ${reply.reason}.`;
    case 'wrong_number':
      return 'This is not a hotel, you have the wrong number.';
  }
}

export async function playStaff(
  ws: WebSocket,
  conv: EmulatedConversation,
  profile: PhoneProfile,
  timeScale: number,
  closed: Promise<void>,
  onReply?: (vars: Record<string, unknown>, guest: ConversationGuest, reply: StaffReply) => void,
): Promise<void> {
  const t0 = Date.now();
  const secs = () => Math.round((Date.now() - t0) / 1000 / timeScale);
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  const wait = (s: number) => Promise.race([new Promise<void>((r) => setTimeout(r, s * 1000 * timeScale)), closed]);
  const send = (m: Record<string, unknown>) => {
    if (!isClosed) ws.send(JSON.stringify(m));
  };
  let eventId = 0;
  const say = (message: string) => {
    conv.transcript.push({ role: 'agent', message, time_in_call_secs: secs() });
    send({ type: 'agent_response', agent_response_event: { agent_response: message } });
    for (let i = 0; i < 3; i++) send({ type: 'audio', audio_event: { audio_base_64: AUDIO, event_id: ++eventId } });
  };
  const hear = (message: string) => {
    conv.transcript.push({ role: 'user', message, time_in_call_secs: secs() });
    send({ type: 'user_transcript', user_transcription_event: { user_transcript: message } });
  };
  let wrappingUp = false;
  const pending = new Map<string, (r: { result: string; isError: boolean }) => void>();
  ws.on('message', (data) => {
    let m: { type?: string; tool_call_id?: string; result?: unknown; is_error?: boolean };
    try {
      m = JSON.parse(String(data));
    } catch {
      return;
    }
    if (m.type === 'client_tool_result' && m.tool_call_id) {
      const r = { result: String(m.result ?? ''), isError: !!m.is_error };
      conv.toolResults.push({ toolCallId: m.tool_call_id, ...r });
      pending.get(m.tool_call_id)?.(r);
    } else if (m.type === 'pong') conv.pongs++;
    else if (m.type === 'contextual_update' && typeof (m as { text?: unknown }).text === 'string') {
      conv.contextualUpdates.push((m as { text: string }).text);
      // The agent acknowledges and winds down; the caller's side ends the call at the limit.
      say('I am afraid we have to wrap up. Thank you, we will follow up by email about the other guests.');
      wrappingUp = true;
    }
  });

  const guests = parseGuests(conv.dynamicVariables.guests_json);
  const hotel = String(conv.dynamicVariables.hotel_name ?? 'the hotel');
  say(`Hello, this is the folio desk calling on behalf of our travellers about ${guests.length} guest folio${guests.length === 1 ? '' : 's'} from ${hotel}.`);
  send({ type: 'ping', ping_event: { event_id: ++eventId, ping_ms: 20 } });
  hear(String(profile.greeting ?? 'Yes?'));
  // The person talks over the agent once: the agent is interrupted and Twilio's buffer must be cleared.
  send({ type: 'interruption', interruption_event: { event_id: ++eventId } });
  const staff = profile.staff ?? { replies: [{ kind: 'refused', reason: 'no staff in this profile' } as StaffReply], secondsPerGuest: 1 };
  for (const [i, g] of guests.entries()) {
    if (isClosed) return;
    if (wrappingUp) break;
    say(`${i === 0 ? "The first guest" : "The next guest"} is ${g.guest_name}, confirmation ${g.confirmation_number}. Could you email the folio to ${String(conv.dynamicVariables.reply_email)}?`);
    await wait(staff.secondsPerGuest);
    while (staff.stalls && !isClosed && !wrappingUp) {
      hear('One moment please, let me check...');
      send({ type: 'ping', ping_event: { event_id: ++eventId, ping_ms: 20 } });
      await wait(2);
    }
    if (isClosed || wrappingUp) break;
    const reply = staff.replies[Math.min(i, staff.replies.length - 1)];
    hear(staffLine(reply));
    const toolCallId = `toolu_${randomBytes(8).toString('hex')}`;
    const answered = new Promise<{ result: string; isError: boolean } | undefined>((resolve) => {
      pending.set(toolCallId, resolve);
      setTimeout(() => resolve(undefined), 5000);
      void closed.then(() => resolve(undefined));
    });
    send({ type: 'client_tool_call', client_tool_call: { tool_name: 'record_folio_outcome', tool_call_id: toolCallId, parameters: toolParameters(reply, g) } });
    const r = await answered;
    if (r && !r.isError) onReply?.(conv.dynamicVariables, g, reply);
    if (!r && !isClosed) conv.errors.push(`no client_tool_result for ${toolCallId}`);
    if (r?.isError) conv.errors.push(`tool error: ${r.result}`);
  }
  // After a wrap-up the caller hangs up at the limit; otherwise the agent ends the call itself.
  if (isClosed || wrappingUp) return;
  say('Thank you very much for your help. Goodbye.');
  await wait(0.5);
  // The agent's end_call system tool: the agent closes the conversation.
  conv.endedBy ??= 'agent';
  ws.close(1000, 'end_call');
}

function parseGuests(v: unknown): ConversationGuest[] {
  try {
    const list: unknown = JSON.parse(String(v ?? '[]'));
    return Array.isArray(list) ? (list as ConversationGuest[]) : [];
  } catch {
    return [];
  }
}

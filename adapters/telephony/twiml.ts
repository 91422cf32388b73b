// The TwiML our calls run: listen to the menu, press digits, connect the agent, leave a voicemail,
// wrap up. Built with the SDK's VoiceResponse so escaping and attribute names are Twilio's own.
import twilio from 'twilio';
import type { Language } from '../../domain/schemas';
import { sayLanguage, texts } from './messages';

const { VoiceResponse } = twilio.twiml;

export interface CallUrls {
  /** Public base URL, no trailing slash. */
  base: string;
  callId: string;
  /** The call's media-stream nonce (needed where the TwiML connects the agent). */
  streamNonce?: string;
}

export function webhookUrl(u: CallUrls, route: 'voice' | 'status' | 'amd' | 'ivr' | 'recording', extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams({ callId: u.callId, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) });
  return `${u.base}/v1/webhooks/twilio/${route}?${q.toString()}`;
}

/** The call's own stream URL: its id and nonce are in the path (Twilio signs the URL; it takes no query string). */
export function mediaStreamUrl(base: string, callId: string, nonce: string): string {
  return `${base.replace(/^http/, 'ws')}/v1/media-stream/${encodeURIComponent(callId)}/${nonce}`;
}

function consent(r: InstanceType<typeof VoiceResponse>, language: Language, announce: boolean) {
  if (announce) r.say({ language: sayLanguage(language) as never }, texts(language).consent);
}

function connectAgent(r: InstanceType<typeof VoiceResponse>, u: CallUrls) {
  // Nothing follows <Connect>: when the bridge closes the stream, the call ends.
  if (!u.streamNonce) throw new Error(`no media-stream nonce for call ${u.callId}`);
  const stream = r.connect().stream({ url: mediaStreamUrl(u.base, u.callId, u.streamNonce) });
  stream.parameter({ name: 'callId', value: u.callId });
}

/** Answer of /voice: with a known path, press it and connect; otherwise listen to the menu. */
export function answerTwiml(u: CallUrls, opts: { language: Language; ivrPath?: string; announceRecording: boolean }): string {
  const r = new VoiceResponse();
  consent(r, opts.language, opts.announceRecording);
  if (opts.ivrPath) {
    r.play({ digits: opts.ivrPath });
    connectAgent(r, u);
  } else {
    listen(r, u, opts.language, 1, '');
  }
  return r.toString();
}

function listen(r: InstanceType<typeof VoiceResponse>, u: CallUrls, language: Language, step: number, path: string) {
  r.gather({
    input: ['speech', 'dtmf'],
    action: webhookUrl(u, 'ivr', { step, path }),
    method: 'POST',
    language: sayLanguage(language) as never,
    speechTimeout: 'auto',
    timeout: 6,
    actionOnEmptyResult: true,
    hints: 'press, reservations, reception, front desk, billing, accounting, how can I help',
  });
}

/** One menu step: press a digit and listen to what comes next, or listen again. */
export function ivrStepTwiml(u: CallUrls, opts: { language: Language; press?: string; step: number; path: string }): string {
  const r = new VoiceResponse();
  if (opts.press) r.play({ digits: `w${opts.press}` });
  listen(r, u, opts.language, opts.step, opts.path);
  return r.toString();
}

export function connectTwiml(u: CallUrls): string {
  const r = new VoiceResponse();
  connectAgent(r, u);
  return r.toString();
}

export function hangupTwiml(): string {
  const r = new VoiceResponse();
  r.hangup();
  return r.toString();
}

export function voicemailTwiml(opts: { language: Language; replyTo: string; hotelName: string }): string {
  const r = new VoiceResponse();
  r.say({ language: sayLanguage(opts.language) as never }, texts(opts.language).voicemail(opts.replyTo, opts.hotelName));
  r.hangup();
  return r.toString();
}

export function overflowTwiml(opts: { language: Language; replyTo: string }): string {
  const r = new VoiceResponse();
  r.say({ language: sayLanguage(opts.language) as never }, texts(opts.language).overflow(opts.replyTo));
  r.hangup();
  return r.toString();
}

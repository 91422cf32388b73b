// The forgeries the webhook-flood drill mixes into each call's genuine callbacks: what an attacker, a
// misrouted proxy or a broken sender makes of them. Each is refused with the status its endpoint defines.
import { hex, elevenLabsRequest, signElevenLabs, twilioRequest, type WebhookRequest } from './webhook-client';
import type { Flood, Placement } from './flood';

export interface ForgerContext {
  /** The API's base URL. */
  base: string;
  /** Twilio's auth token and the ElevenLabs webhook secret the API checks against. */
  token: string;
  secret: string;
  accountSid: string;
  /** What the front desk says when it answers. */
  greeting: string;
}

/** A call's forgeries, each a request to send when its turn comes. */
export function forger(flood: Flood, ctx: ForgerContext): (p: Placement, streamUrl: () => string | undefined) => (() => Promise<unknown>)[] {
  const { base, token, secret, accountSid, greeting } = ctx;
  const otherToken = hex(16);
  // signed malformed bodies each at their own second, so none is refused as a replay instead
  const stamps = Math.floor(Date.now() / 1000) - 60;
  let stamp = 0;
  return (p, streamUrl) => {
    const other = (url: string, callId: string) => url.replace(/callId=[^&]+/, `callId=${callId}`);
    const call = { AccountSid: accountSid, CallSid: p.callSid };
    const completed = { ...call, CallStatus: 'completed', SequenceNumber: '7', CallDuration: '999', Timestamp: new Date().toUTCString() };
    const postCall = JSON.stringify({ type: 'post_call_transcription', event_timestamp: Math.floor(Date.now() / 1000), data: { conversation_id: `conv_${hex(6)}`, analysis: { transcript_summary: 'FORGED', call_successful: 'failure' }, conversation_initiation_client_data: { dynamic_variables: { call_id: p.callId } } } });
    const elevenUrl = `${base}/v1/webhooks/elevenlabs/post-call`;
    const now = Math.floor(Date.now() / 1000);
    const f = (what: string, expect: number, r: () => WebhookRequest) => () => flood.fire('forgery', what, expect, r());
    return [
      f('status unsigned', 403, () => twilioRequest(p.statusUrl, completed, null)),
      f('status signed with another token', 403, () => twilioRequest(p.statusUrl, completed, { token: otherToken })),
      f('status signed for another call', 403, () => twilioRequest(p.statusUrl, completed, { token, url: other(p.statusUrl, `call-${hex(6)}`) })),
      f('status signed as a recording callback', 403, () => twilioRequest(p.statusUrl, completed, { token, url: p.recordingUrl })),
      f('status altered after signing', 403, () => twilioRequest(p.statusUrl, { ...completed, CallStatus: 'ringing' }, { token }, { CallStatus: 'busy' })),
      f('status for an unknown call, forged', 403, () => twilioRequest(other(p.statusUrl, `call-${hex(6)}`), completed, { token: otherToken })),
      f('status with another CallSid, forged', 403, () => twilioRequest(p.statusUrl, { ...completed, CallSid: `CA${hex(16)}` }, { token: otherToken })),
      f('amd says machine, forged', 403, () => twilioRequest(p.amdUrl, { ...call, AnsweredBy: 'machine_end_beep' }, { token: otherToken })),
      f('recording, forged', 403, () => twilioRequest(p.recordingUrl, { ...call, RecordingSid: `RE${hex(16)}`, RecordingUrl: 'https://attacker.invalid/rec', RecordingStatus: 'completed' }, { token: otherToken })),
      f('voice unsigned', 403, () => twilioRequest(p.voiceUrl, { ...call, CallStatus: 'in-progress' }, null)),
      f('ivr forged', 403, () => twilioRequest(p.voiceUrl.replace('/voice?', '/ivr?') + '&step=1&path=', { ...call, SpeechResult: greeting }, { token: otherToken })),
      f('status without CallStatus (signed)', 400, () => twilioRequest(p.statusUrl, { ...call, SequenceNumber: '8' }, { token })),
      f('status without SequenceNumber or Timestamp (signed)', 400, () => twilioRequest(p.statusUrl, { ...call, CallStatus: 'completed' }, { token })),
      f('status without callId (signed)', 400, () => twilioRequest(p.statusUrl.replace(/\?.*$/, ''), completed, { token })),
      f('amd without AnsweredBy (signed)', 400, () => twilioRequest(p.amdUrl, call, { token })),
      f('recording without RecordingUrl (signed)', 400, () => twilioRequest(p.recordingUrl, { ...call, RecordingSid: `RE${hex(16)}` }, { token })),
      f('ivr step out of range (signed)', 400, () => {
        const url = p.voiceUrl.replace('/voice?', '/ivr?') + '&step=99&path=';
        return twilioRequest(url, call, { token, url });
      }),
      f('status body over 64 kB', 413, () => twilioRequest(p.statusUrl, { ...completed, Padding: 'x'.repeat(70_000) }, { token })),
      f('status in an unsupported charset', 415, () => {
        const r = twilioRequest(p.statusUrl, completed, { token });
        return { ...r, headers: { ...r.headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-7' } };
      }),
      f('post-call unsigned', 403, () => elevenLabsRequest(elevenUrl, postCall, undefined)),
      f('post-call signed with another secret', 403, () => elevenLabsRequest(elevenUrl, postCall, signElevenLabs(`wsec_${hex(16)}`, postCall))),
      f('post-call signed 31 minutes ago', 403, () => elevenLabsRequest(elevenUrl, postCall, signElevenLabs(secret, postCall, now - 31 * 60))),
      f('post-call signed an hour ahead', 403, () => elevenLabsRequest(elevenUrl, postCall, signElevenLabs(secret, postCall, now + 3600))),
      f('post-call altered after signing', 403, () => elevenLabsRequest(elevenUrl, postCall, signElevenLabs(secret, postCall.replace('FORGED', 'fine')))),
      f('post-call signature without its scheme', 403, () => elevenLabsRequest(elevenUrl, postCall, hex(32))),
      f('post-call body not JSON (signed)', 403, () => elevenLabsRequest(elevenUrl, '{"type":', signElevenLabs(secret, '{"type":', stamps - ++stamp))),
      f('post-call body a JSON null (signed)', 400, () => elevenLabsRequest(elevenUrl, 'null', signElevenLabs(secret, 'null', stamps - ++stamp))),
      f('post-call transcript not a list (signed)', 400, () => {
        const body = postCall.replace('"analysis"', '"transcript":"not a list","analysis"');
        return elevenLabsRequest(elevenUrl, body, signElevenLabs(secret, body, stamps - ++stamp));
      }),
      () => flood.handshake('media stream unsigned', streamUrl() ?? `${base.replace(/^http/, 'ws')}/v1/media-stream`, null),
      () => flood.handshake('media stream signed with another token', streamUrl() ?? `${base.replace(/^http/, 'ws')}/v1/media-stream`, otherToken),
    ];
  };
}

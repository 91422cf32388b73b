// The Twilio REST adapter: the official client, pointed at api.twilio.com or (sandbox, tests) at a
// local emulator through TWILIO_API_BASE_URL. Thin on purpose: the TwiML lives in twiml.ts.
import twilio, { type Twilio } from 'twilio';
import type { Config } from '../../config';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** e.g. http://127.0.0.1:PORT for the sandbox emulator; unset → api.twilio.com. */
  apiBaseUrl?: string;
}

export class TelephonyConfigError extends Error {
  override name = 'TelephonyConfigError';
}

/** A recording URL or download we will not take (not the vendor's, a redirect, too large). */
export class RecordingRefusedError extends Error {
  override name = 'RecordingRefusedError';
}

export function twilioSettings(config: Config): TwilioSettings {
  const missing = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const).filter((k) => !config[k]);
  if (missing.length) throw new TelephonyConfigError(`telephony needs ${missing.join(', ')}`);
  return {
    accountSid: config.TWILIO_ACCOUNT_SID!,
    authToken: config.TWILIO_AUTH_TOKEN!,
    fromNumber: config.TWILIO_FROM_NUMBER!,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
  };
}

export interface PlaceCallParams {
  to: string;
  url: string;
  statusCallback: string;
  amdCallback: string;
  recordingCallback: string;
  ringTimeoutSeconds: number;
  timeLimitSeconds: number;
}

/** Twilio's "Call is not in-progress. Cannot redirect." — the call ended before our update. */
const CALL_NOT_IN_PROGRESS = 21220;

export class TwilioTelephony {
  private readonly settingsOrError: TwilioSettings | TelephonyConfigError;
  private twilioClient?: Twilio;

  /** Takes explicit settings, or the config (missing Twilio variables fail at first use, naming them). */
  constructor(source: TwilioSettings | Config) {
    if ('accountSid' in source) this.settingsOrError = source;
    else {
      try {
        this.settingsOrError = twilioSettings(source);
      } catch (e) {
        if (!(e instanceof TelephonyConfigError)) throw e;
        this.settingsOrError = e;
      }
    }
  }

  get settings(): TwilioSettings {
    if (this.settingsOrError instanceof TelephonyConfigError) throw this.settingsOrError;
    return this.settingsOrError;
  }

  get client(): Twilio {
    if (!this.twilioClient) {
      const s = this.settings;
      this.twilioClient = twilio(s.accountSid, s.authToken, { autoRetry: true, maxRetries: 2 });
      // Every REST domain we use is "api"; pointing it elsewhere is how the emulator is reached.
      if (s.apiBaseUrl) this.twilioClient.api.baseUrl = s.apiBaseUrl.replace(/\/+$/, '');
    }
    return this.twilioClient;
  }

  async placeCall(p: PlaceCallParams): Promise<{ callSid: string; status: string }> {
    // No sendDigits here: together with machineDetection it disables answering-machine detection.
    const call = await this.client.calls.create({
      to: p.to,
      from: this.settings.fromNumber,
      url: p.url,
      method: 'POST',
      statusCallback: p.statusCallback,
      statusCallbackMethod: 'POST',
      // only what the call workflow decides on: the answer and the end (every final status comes as 'completed')
      statusCallbackEvent: ['answered', 'completed'],
      machineDetection: 'DetectMessageEnd',
      asyncAmd: 'true',
      asyncAmdStatusCallback: p.amdCallback,
      asyncAmdStatusCallbackMethod: 'POST',
      record: true,
      recordingStatusCallback: p.recordingCallback,
      recordingStatusCallbackEvent: ['completed'],
      timeout: p.ringTimeoutSeconds,
      timeLimit: p.timeLimitSeconds,
    });
    return { callSid: call.sid, status: call.status };
  }

  /** Replaces what a live call is doing. Returns false when the call is already over. */
  async updateCall(callSid: string, change: { twiml: string } | { status: 'completed' }): Promise<boolean> {
    try {
      await this.client.calls(callSid).update(change);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === CALL_NOT_IN_PROGRESS) return false;
      throw e;
    }
  }

  /** Calls to `to` from our number created at or after `since`, newest first (recovery after a lost create response). */
  async recentCallsTo(to: string, since: Date): Promise<{ callSid: string; status: string }[]> {
    const calls = await this.client.calls.list({ to, from: this.settings.fromNumber, limit: 20 });
    return calls.filter((c) => c.dateCreated && c.dateCreated.getTime() >= since.getTime() - 5000).map((c) => ({ callSid: c.sid, status: c.status }));
  }

  async fetchCallStatus(callSid: string): Promise<string> {
    return (await this.client.calls(callSid).fetch()).status;
  }

  /** Where recordings may be fetched from: the REST API's origin (the emulator in the sandbox, else api.twilio.com). */
  get recordingOrigin(): string {
    return new URL(this.settings.apiBaseUrl ?? 'https://api.twilio.com').origin;
  }

  /**
   * Downloads a recording (WAV) of our account with the account's credentials — only from the vendor's own
   * origin and path (the URL comes in a callback: our credentials must never go elsewhere), without following
   * redirects, and at most `maxBytes`. RecordingUrl comes without an extension.
   */
  async downloadRecording(recordingUrl: string, maxBytes: number): Promise<{ bytes: Buffer; contentType: string }> {
    let url: URL;
    try {
      url = new URL(/\.(wav|mp3)$/.test(recordingUrl) ? recordingUrl : `${recordingUrl}.wav`);
    } catch {
      throw new RecordingRefusedError('the recording URL is not a URL');
    }
    if (url.origin !== this.recordingOrigin) throw new RecordingRefusedError(`the recording URL is on ${url.origin}, not ${this.recordingOrigin}`);
    if (!url.pathname.startsWith(`/2010-04-01/Accounts/${this.settings.accountSid}/Recordings/`) || url.username || url.password) {
      throw new RecordingRefusedError('the recording URL is not one of our account\'s recordings');
    }
    const auth = Buffer.from(`${this.settings.accountSid}:${this.settings.authToken}`).toString('base64');
    const res = await fetch(url, { headers: { authorization: `Basic ${auth}` }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new RecordingRefusedError(`the recording download answered a redirect (${res.status})`);
    }
    if (!res.ok) throw new Error(`recording download failed: HTTP ${res.status} for ${url.pathname}`);
    const tooLarge = () => new RecordingRefusedError(`the recording is larger than ${maxBytes} bytes`);
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body?.cancel();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += (chunk as Uint8Array).length;
      if (size > maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return { bytes: Buffer.concat(chunks), contentType: res.headers.get('content-type') ?? 'audio/wav' };
  }
}

// Webhook requests exactly as Twilio sends them: form-encoded POST, X-Twilio-Signature over URL + params.
import twilio from 'twilio';

export interface SentCallback {
  url: string;
  params: Record<string, string>;
  signature: string;
  status?: number;
  error?: string;
}

export async function postSigned(authToken: string, url: string, params: Record<string, string>, log: SentCallback[]): Promise<{ status: number; body: string }> {
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  const entry: SentCallback = { url, params, signature };
  log.push(entry);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(15_000),
    });
    entry.status = res.status;
    return { status: res.status, body: await res.text() };
  } catch (e) {
    entry.error = String(e);
    return { status: 0, body: '' };
  }
}

/** A WAV container around µ-law 8 kHz silence: what a recording download returns. */
export function silentWav(seconds: number): Buffer {
  const samples = Math.max(1, Math.min(seconds, 600)) * 8000;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + samples, 4);
  h.write('WAVE', 8);
  h.write('fmt ', 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(7, 20); // µ-law
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(8000, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36);
  h.writeUInt32LE(samples, 40);
  return Buffer.concat([h, Buffer.alloc(samples, 0xff)]);
}

// The Twilio side of a Media Stream: connects to <Stream url>, sends connected/start/media/stop in
// Twilio's message format, and counts what the far end sends back (media, clear, mark).
import WebSocket from 'ws';
import twilio from 'twilio';

export interface StreamStats {
  url: string;
  parameters: Record<string, string>;
  streamSid: string;
  framesSent: number;
  mediaReceived: number;
  clears: number;
  marks: number;
  closedBy?: 'us' | 'server' | 'error';
  error?: string;
}

const FRAME = Buffer.alloc(160, 0xff).toString('base64'); // 20 ms of µ-law silence

export class TwilioMediaStream {
  readonly stats: StreamStats;
  private ws: WebSocket;
  private seq = 0;
  private timer?: NodeJS.Timeout;
  readonly closed: Promise<void>;

  constructor(opts: { url: string; parameters: Record<string, string>; accountSid: string; authToken: string; callSid: string; streamSid: string; frameIntervalMs: number }) {
    this.stats = { url: opts.url, parameters: opts.parameters, streamSid: opts.streamSid, framesSent: 0, mediaReceived: 0, clears: 0, marks: 0 };
    // Twilio signs the connection request like a webhook: the stream URL, no parameters.
    this.ws = new WebSocket(opts.url, { headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(opts.authToken, opts.url, {}) } });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', () => {
        this.stats.closedBy ??= 'server';
        clearInterval(this.timer);
        resolve();
      });
    });
    this.ws.on('error', (e) => {
      this.stats.closedBy ??= 'error';
      this.stats.error = String(e);
    });
    this.ws.on('open', () => {
      this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
      this.send({
        event: 'start',
        streamSid: opts.streamSid,
        start: {
          accountSid: opts.accountSid,
          callSid: opts.callSid,
          streamSid: opts.streamSid,
          tracks: ['inbound'],
          customParameters: opts.parameters,
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      });
      let chunk = 0;
      const t0 = Date.now();
      this.timer = setInterval(() => {
        chunk++;
        this.stats.framesSent++;
        this.send({ event: 'media', streamSid: opts.streamSid, media: { track: 'inbound', chunk: String(chunk), timestamp: String(Date.now() - t0), payload: FRAME } });
      }, opts.frameIntervalMs);
    });
    this.ws.on('message', (data) => {
      let msg: { event?: string; mark?: { name?: string } };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg.event === 'media') this.stats.mediaReceived++;
      else if (msg.event === 'clear') this.stats.clears++;
      else if (msg.event === 'mark') {
        // Twilio echoes a mark once the audio before it has played.
        this.stats.marks++;
        this.send({ event: 'mark', streamSid: opts.streamSid, mark: msg.mark });
      }
    });
  }

  private send(msg: Record<string, unknown>) {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ ...msg, sequenceNumber: String(++this.seq) }));
  }

  /** The call ended on Twilio's side (hang-up, new TwiML): stop, then close. */
  stop(accountSid: string, callSid: string): void {
    clearInterval(this.timer);
    if (this.ws.readyState === WebSocket.OPEN) {
      this.stats.closedBy ??= 'us';
      this.send({ event: 'stop', streamSid: this.stats.streamSid, stop: { accountSid, callSid } });
      this.ws.close(1000);
    } else if (this.ws.readyState === WebSocket.CONNECTING) {
      this.stats.closedBy ??= 'us';
      this.ws.terminate();
    }
  }
}

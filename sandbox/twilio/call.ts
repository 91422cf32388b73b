// One simulated outbound call: rings, is answered by the hotel's profile (person, menu, machine, fax)
// or not, fetches and runs our TwiML, and reports back through signed callbacks as Twilio does.
import { randomBytes } from 'node:crypto';
import type { PhoneProfile } from '../profiles/phone';
import { postSigned, type SentCallback } from './callbacks';
import { TwilioMediaStream, type StreamStats } from './media-stream';
import { parseXml, type XmlNode } from './xml';

export interface CreateCallParams {
  to: string;
  from: string;
  url?: string;
  twiml?: string;
  statusCallback?: string;
  statusCallbackEvent: string[];
  machineDetection?: string;
  asyncAmd?: string;
  asyncAmdStatusCallback?: string;
  record: boolean;
  recordingStatusCallback?: string;
  timeout: number;
  timeLimit: number;
  sendDigits?: string;
}

export interface EmulatedCall {
  sid: string;
  params: CreateCallParams;
  profile: string;
  status: string;
  answeredBy?: string;
  createdAt: Date;
  startTime?: Date;
  endTime?: Date;
  duration: number;
  /** Digits the hotel's line received, in order. */
  digits: string;
  said: string[];
  heard: string[];
  reachedPerson: boolean;
  streams: StreamStats[];
  callbacks: SentCallback[];
  recordingSid?: string;
  log: string[];
  warnings: string[];
}

export interface CallEnv {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  timeScale: number;
  frameIntervalMs: number;
}

export const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export class CallSimulation {
  readonly call: EmulatedCall;
  private gen = 0;
  private abort = new AbortController();
  private sequence = 0;
  private menuIndex = 0;
  private machineSpoke = false;
  private stream?: TwilioMediaStream;
  private timers: NodeJS.Timeout[] = [];
  private ended!: () => void;
  readonly done = new Promise<void>((r) => (this.ended = r));

  constructor(
    private readonly env: CallEnv,
    params: CreateCallParams,
    private readonly profile: PhoneProfile,
  ) {
    this.call = {
      sid: sid('CA'),
      params,
      profile: profile.name,
      status: 'queued',
      createdAt: new Date(),
      duration: 0,
      digits: '',
      said: [],
      heard: [],
      reachedPerson: profile.answer === 'person',
      streams: [],
      callbacks: [],
      log: [],
      warnings: [],
    };
    if (params.sendDigits && params.machineDetection) this.call.warnings.push('sendDigits disables machine detection');
  }

  private get over() {
    return ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(this.call.status);
  }

  private note(s: string) {
    this.call.log.push(s);
  }

  /** Simulated seconds → real time, cut short when the call's TwiML is replaced or the call ends. */
  private wait(seconds: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(resolve, seconds * 1000 * this.env.timeScale);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  private later(seconds: number, fn: () => void) {
    this.timers.push(setTimeout(fn, seconds * 1000 * this.env.timeScale));
  }

  private baseParams(): Record<string, string> {
    const p = this.call.params;
    return { AccountSid: this.env.accountSid, ApiVersion: '2010-04-01', CallSid: this.call.sid, Called: p.to, Caller: p.from, To: p.to, From: p.from, Direction: 'outbound-api' };
  }

  private async statusCallback(event: 'initiated' | 'ringing' | 'answered' | 'completed', extra: Record<string, string> = {}) {
    const p = this.call.params;
    if (!p.statusCallback) return;
    // Without an explicit list Twilio only reports the end of the call.
    const events = p.statusCallbackEvent.length ? p.statusCallbackEvent : ['completed'];
    if (!events.includes(event)) return;
    await postSigned(this.env.authToken, p.statusCallback, {
      ...this.baseParams(),
      CallStatus: this.call.status,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(this.sequence++),
      Timestamp: new Date().toUTCString(),
      ...extra,
    }, this.call.callbacks);
  }

  async run(): Promise<void> {
    const { profile } = this;
    const p = this.call.params;
    this.call.status = 'initiated';
    await this.statusCallback('initiated');
    if (profile.answer === 'failed') return this.finish('failed');
    await this.wait(0.2);
    if (this.over) return;
    this.call.status = 'ringing';
    await this.statusCallback('ringing');
    const ring = profile.answer === 'no-answer' ? p.timeout : Math.min(profile.ringSeconds, p.timeout);
    await this.wait(ring);
    if (this.over) return;
    if (profile.answer === 'busy') return this.finish('busy');
    if (profile.answer === 'no-answer' || profile.ringSeconds > p.timeout) return this.finish('no-answer');

    this.call.status = 'in-progress';
    this.call.startTime = new Date();
    this.note(`answered (${profile.answer})`);
    await this.statusCallback('answered');
    if (p.record) this.call.recordingSid = sid('RE');
    this.later(p.timeLimit, () => {
      this.note('time limit reached');
      this.finish('completed');
    });
    const amd = p.machineDetection && !p.sendDigits ? this.amdResult() : undefined;
    if (amd && p.asyncAmd === 'true') {
      this.later(amd.afterSeconds, () => void this.sendAmd(amd.answeredBy, amd.afterSeconds));
    } else if (amd) {
      await this.wait(amd.afterSeconds);
      this.call.answeredBy = amd.answeredBy;
    }
    if (p.sendDigits) await this.pressDigits(p.sendDigits);
    const gen = this.gen;
    const doc = p.twiml ? this.parse(p.twiml) : await this.fetchTwiml(p.url!, {});
    if (doc) await this.execute(doc, gen);
    else this.finish('completed');
  }

  private amdResult(): { answeredBy: string; afterSeconds: number } {
    switch (this.profile.answer) {
      case 'machine':
        return { answeredBy: 'machine_end_beep', afterSeconds: Math.min(8, words(this.profile.greeting ?? '') * 0.35) + 0.5 };
      case 'fax':
        return { answeredBy: 'fax', afterSeconds: 1 };
      case 'ivr':
        return { answeredBy: 'unknown', afterSeconds: 3 };
      default:
        return { answeredBy: 'human', afterSeconds: 1.5 };
    }
  }

  private async sendAmd(answeredBy: string, seconds: number) {
    if (this.over) return;
    this.call.answeredBy = answeredBy;
    const url = this.call.params.asyncAmdStatusCallback;
    if (!url) return;
    await postSigned(this.env.authToken, url, { AccountSid: this.env.accountSid, CallSid: this.call.sid, AnsweredBy: answeredBy, MachineDetectionDuration: String(Math.round(seconds * 1000)) }, this.call.callbacks);
  }

  private parse(xml: string): XmlNode | undefined {
    try {
      const doc = parseXml(xml);
      if (doc.name !== 'Response') throw new Error(`root element is <${doc.name}>, not <Response>`);
      return doc;
    } catch (e) {
      // Twilio says "an application error has occurred" and hangs up.
      this.call.warnings.push(`invalid TwiML: ${String(e)}`);
      return undefined;
    }
  }

  private async fetchTwiml(url: string, extra: Record<string, string>): Promise<XmlNode | undefined> {
    const res = await postSigned(this.env.authToken, url, { ...this.baseParams(), CallStatus: this.call.status, ...extra }, this.call.callbacks);
    if (res.status !== 200) {
      this.call.warnings.push(`TwiML fetch ${new URL(url).pathname} answered HTTP ${res.status}`);
      return undefined;
    }
    return this.parse(res.body);
  }

  private async execute(doc: XmlNode, gen: number): Promise<void> {
    for (const verb of doc.children) {
      if (this.over || gen !== this.gen) return;
      switch (verb.name) {
        case 'Say':
          this.call.said.push(verb.text.trim());
          this.note(`say: ${verb.text.trim().slice(0, 80)}`);
          await this.wait(Math.min(20, Math.max(1, words(verb.text) * 0.35)));
          break;
        case 'Play':
          if (verb.attrs.digits) await this.pressDigits(verb.attrs.digits);
          else await this.wait(1);
          break;
        case 'Pause':
          await this.wait(Number(verb.attrs.length ?? 1));
          break;
        case 'Gather': {
          const next = await this.gather(verb);
          if (gen !== this.gen || this.over) return;
          if (next) return this.execute(next, gen);
          break;
        }
        case 'Connect':
          await this.connect(verb, gen);
          break;
        case 'Redirect': {
          const next = await this.fetchTwiml(verb.text.trim(), {});
          if (gen !== this.gen || this.over) return;
          if (next) return this.execute(next, gen);
          return this.finish('completed');
        }
        case 'Hangup':
          return this.finish('completed');
        default:
          this.call.warnings.push(`unsupported verb <${verb.name}>`);
      }
    }
    if (gen === this.gen && !this.over) this.finish('completed');
  }

  private async pressDigits(digits: string) {
    for (const d of digits) {
      if (this.over) return;
      if (d === 'w') await this.wait(0.5);
      else if (d === 'W') await this.wait(1);
      else this.receiveDigit(d);
    }
  }

  /** The hotel's line hears a DTMF tone: a menu moves on only on the digit it expects. */
  private receiveDigit(d: string) {
    this.call.digits += d;
    const ivr = this.profile.ivr;
    if (this.profile.answer !== 'ivr' || !ivr || this.call.reachedPerson) return;
    const menu = ivr.menus[this.menuIndex];
    if (!ivr.deadEnd && menu && d === menu.expect) {
      this.menuIndex++;
      this.note(`menu ${this.menuIndex} took ${d}`);
      if (this.menuIndex >= ivr.menus.length) this.call.reachedPerson = true;
    } else this.note(`menu ignored ${d}`);
  }

  /** What the far end says right now. */
  private speaking(): string {
    const pr = this.profile;
    switch (pr.answer) {
      case 'person':
        return pr.greeting ?? 'Hello?';
      case 'ivr':
        return this.call.reachedPerson ? (pr.greeting ?? 'Hello?') : (pr.ivr?.menus[Math.min(this.menuIndex, pr.ivr.menus.length - 1)]?.say ?? '');
      case 'machine':
        if (this.machineSpoke) return '';
        this.machineSpoke = true;
        return pr.greeting ?? '';
      default:
        return '';
    }
  }

  private async gather(verb: XmlNode): Promise<XmlNode | undefined> {
    const heard = this.speaking();
    await this.wait(heard ? Math.min(12, words(heard) * 0.3) : Number(verb.attrs.timeout ?? 5));
    if (this.over) return undefined;
    this.call.heard.push(heard);
    if (!heard && verb.attrs.actionOnEmptyResult !== 'true') return undefined;
    const extra: Record<string, string> = heard ? { SpeechResult: heard, Confidence: '0.91' } : {};
    if (!verb.attrs.action) {
      this.call.warnings.push('<Gather> without action');
      return undefined;
    }
    return this.fetchTwiml(verb.attrs.action, extra);
  }

  private async connect(verb: XmlNode, gen: number) {
    const node = verb.children.find((c) => c.name === 'Stream');
    if (!node?.attrs.url) {
      this.call.warnings.push('<Connect> without <Stream url>');
      return;
    }
    const parameters = Object.fromEntries(node.children.filter((c) => c.name === 'Parameter').map((c) => [c.attrs.name, c.attrs.value ?? '']));
    const stream = new TwilioMediaStream({ url: node.attrs.url, parameters, accountSid: this.env.accountSid, authToken: this.env.authToken, callSid: this.call.sid, streamSid: sid('MZ'), frameIntervalMs: this.env.frameIntervalMs });
    this.stream = stream;
    this.call.streams.push(stream.stats);
    this.note('stream connected');
    if (!this.call.reachedPerson) {
      // Nobody there to talk to (a menu or a machine): the line goes dead after a while.
      this.call.warnings.push('stream connected before a person answered');
      this.later(3, () => this.finish('completed'));
    } else if (this.profile.dropAfterSeconds !== undefined) {
      this.later(this.profile.dropAfterSeconds, () => {
        this.note('hotel hung up mid-conversation');
        this.finish('completed');
      });
    }
    await Promise.race([stream.closed, this.done, new Promise<void>((r) => this.abort.signal.addEventListener('abort', () => r(), { once: true }))]);
    if (gen === this.gen) this.note(`stream closed by ${stream.stats.closedBy ?? 'server'}`);
  }

  /** REST update of a live call: new TwiML replaces whatever runs now. */
  update(change: { twiml?: string; url?: string; status?: string }): void {
    if (change.status === 'completed' || change.status === 'canceled') {
      this.note(`ended by REST (${change.status})`);
      return this.finish(this.call.status === 'in-progress' ? 'completed' : 'canceled');
    }
    this.gen++;
    this.abort.abort();
    this.abort = new AbortController();
    this.stream?.stop(this.env.accountSid, this.call.sid);
    this.stream = undefined;
    const gen = this.gen;
    void (async () => {
      const doc = change.twiml ? this.parse(change.twiml) : await this.fetchTwiml(change.url!, {});
      if (gen !== this.gen) return;
      if (doc) await this.execute(doc, gen);
      else this.finish('completed');
    })();
  }

  finish(status: 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled'): void {
    if (this.over) return;
    this.call.status = status;
    this.call.endTime = new Date();
    this.call.duration = this.call.startTime ? Math.round((this.call.endTime.getTime() - this.call.startTime.getTime()) / 1000 / this.env.timeScale) : 0;
    this.note(`ended: ${status}`);
    this.gen++;
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.stream?.stop(this.env.accountSid, this.call.sid);
    void (async () => {
      await this.statusCallback('completed', { CallDuration: String(this.call.duration), Duration: String(Math.ceil(this.call.duration / 60)) });
      const p = this.call.params;
      if (this.call.recordingSid && p.recordingStatusCallback) {
        await new Promise((r) => setTimeout(r, 300));
        await postSigned(this.env.authToken, p.recordingStatusCallback, {
          AccountSid: this.env.accountSid,
          CallSid: this.call.sid,
          RecordingSid: this.call.recordingSid,
          RecordingUrl: `${this.env.baseUrl}/2010-04-01/Accounts/${this.env.accountSid}/Recordings/${this.call.recordingSid}`,
          RecordingStatus: 'completed',
          RecordingDuration: String(this.call.duration),
          RecordingChannels: '1',
          RecordingSource: 'OutboundAPI',
          RecordingStartTime: (this.call.startTime ?? new Date()).toUTCString(),
        }, this.call.callbacks);
      }
      this.ended();
    })();
  }

  /** Stops everything at emulator shutdown, without callbacks. */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.abort.abort();
    this.stream?.stop(this.env.accountSid, this.call.sid);
  }
}

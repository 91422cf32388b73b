// A local Twilio-compatible REST endpoint (the subset we use): create, update and fetch calls, and
// download recordings. The real `twilio` client reaches it through `client.api.baseUrl`.
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PHONE_PROFILES, type PhoneProfile } from '../profiles/phone';
import { CallSimulation, type CreateCallParams, type EmulatedCall } from './call';
import { silentWav } from './callbacks';

export interface TwilioEmulatorOptions {
  accountSid: string;
  authToken: string;
  /** The behaviour of the number called; a number it cannot place fails, as an unreachable number does. */
  profileFor(phone: string): PhoneProfile | Promise<PhoneProfile>;
  /** Real seconds per simulated second (0.1 runs a call ten times faster). */
  timeScale?: number;
  port?: number;
  /** Interval between inbound media frames on a stream (real ms). */
  frameIntervalMs?: number;
}

export interface TwilioEmulator {
  baseUrl: string;
  port: number;
  calls(): EmulatedCall[];
  call(sid: string): EmulatedCall | undefined;
  /** Resolves when the call has ended and its last callback was sent. */
  ended(sid: string): Promise<void>;
  stop(): Promise<void>;
}

function twilioError(res: Response, status: number, code: number, message: string) {
  res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);

function callJson(c: EmulatedCall, accountSid: string) {
  return {
    sid: c.sid,
    account_sid: accountSid,
    to: c.params.to,
    from: c.params.from,
    status: c.status,
    direction: 'outbound-api',
    answered_by: c.answeredBy ?? null,
    date_created: c.createdAt.toUTCString(),
    date_updated: new Date().toUTCString(),
    start_time: c.startTime?.toUTCString() ?? null,
    end_time: c.endTime?.toUTCString() ?? null,
    duration: c.endTime ? String(c.duration) : null,
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${c.sid}.json`,
  };
}

export async function startTwilioEmulator(opts: TwilioEmulatorOptions): Promise<TwilioEmulator> {
  const sims = new Map<string, CallSimulation>();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  let baseUrl = '';

  const auth = (req: Request, res: Response, next: NextFunction) => {
    const [scheme, value] = (req.get('authorization') ?? '').split(' ');
    const [user, pass] = scheme === 'Basic' && value ? Buffer.from(value, 'base64').toString().split(':') : [];
    if (user !== opts.accountSid || pass !== opts.authToken) return twilioError(res, 401, 20003, 'Authenticate');
    if (req.params.account !== opts.accountSid) return twilioError(res, 404, 20404, 'The requested resource was not found');
    next();
  };
  const acct = '/2010-04-01/Accounts/:account';

  app.post(`${acct}/Calls.json`, auth, async (req, res) => {
    const b = req.body as Record<string, unknown>;
    const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
    const to = s('To');
    const from = s('From');
    if (!to) return twilioError(res, 400, 21201, "No 'To' number is specified");
    if (!from) return twilioError(res, 400, 21213, "No 'From' number is specified");
    if (!s('Url') && !s('Twiml')) return twilioError(res, 400, 21205, 'Url or Twiml is required');
    if ((s('Twiml')?.length ?? 0) > 4000) return twilioError(res, 400, 21232, 'Twiml is longer than 4000 characters');
    const params: CreateCallParams = {
      to,
      from,
      url: s('Url'),
      twiml: s('Twiml'),
      statusCallback: s('StatusCallback'),
      statusCallbackEvent: list(b.StatusCallbackEvent),
      machineDetection: s('MachineDetection'),
      asyncAmd: s('AsyncAmd'),
      asyncAmdStatusCallback: s('AsyncAmdStatusCallback'),
      record: s('Record') === 'true',
      recordingStatusCallback: s('RecordingStatusCallback'),
      timeout: Number(s('Timeout') ?? 60),
      timeLimit: Number(s('TimeLimit') ?? 14400),
      sendDigits: s('SendDigits'),
    };
    let profile: PhoneProfile;
    let unreachable: string | undefined;
    try {
      profile = await opts.profileFor(to);
    } catch (e) {
      profile = PHONE_PROFILES.failed;
      unreachable = `no simulated hotel at ${to}: ${(e as Error).message}`;
    }
    const sim = new CallSimulation({ accountSid: opts.accountSid, authToken: opts.authToken, baseUrl, timeScale: opts.timeScale ?? 1, frameIntervalMs: opts.frameIntervalMs ?? 100 }, params, profile);
    if (unreachable) sim.call.warnings.push(unreachable);
    sims.set(sim.call.sid, sim);
    res.status(201).json(callJson(sim.call, opts.accountSid));
    sim.run().catch((e: unknown) => {
      sim.call.warnings.push(`simulation error: ${String(e)}`);
      sim.finish('failed');
    });
  });

  // The list filters our adapter uses (To, From), newest first, one page.
  app.get(`${acct}/Calls.json`, auth, (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const size = Math.min(1000, Number(q.PageSize ?? 50) || 50);
    const calls = [...sims.values()]
      .map((x) => x.call)
      .filter((c) => (!q.To || c.params.to === q.To) && (!q.From || c.params.from === q.From))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, size)
      .map((c) => callJson(c, opts.accountSid));
    const uri = `/2010-04-01/Accounts/${opts.accountSid}/Calls.json`;
    res.json({ calls, page: 0, page_size: size, start: 0, end: Math.max(0, calls.length - 1), uri, first_page_uri: uri, next_page_uri: null, previous_page_uri: null });
  });

  app.get(`${acct}/Calls/:sid.json`, auth, (req, res) => {
    const sim = sims.get(String(req.params.sid));
    if (!sim) return twilioError(res, 404, 20404, `The requested resource /Calls/${req.params.sid}.json was not found`);
    res.json(callJson(sim.call, opts.accountSid));
  });

  app.post(`${acct}/Calls/:sid.json`, auth, (req, res) => {
    const sim = sims.get(String(req.params.sid));
    if (!sim) return twilioError(res, 404, 20404, `The requested resource /Calls/${req.params.sid}.json was not found`);
    const b = req.body as Record<string, string | undefined>;
    const over = ['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(sim.call.status);
    if (b.Status && !['completed', 'canceled'].includes(b.Status)) return twilioError(res, 400, 21218, `Invalid Status '${b.Status}'`);
    if (!b.Status && !b.Twiml && !b.Url) return twilioError(res, 400, 21205, 'Twiml, Url or Status is required');
    if (over) return twilioError(res, 400, 21220, 'Call is not in-progress. Cannot redirect.');
    if ((b.Twiml || b.Url) && sim.call.status !== 'in-progress') return twilioError(res, 400, 21220, 'Call is not in-progress. Cannot redirect.');
    sim.update({ twiml: b.Twiml, url: b.Url, status: b.Status });
    res.json(callJson(sim.call, opts.accountSid));
  });

  app.get(`${acct}/Recordings/:file`, auth, (req, res) => {
    const m = /^(RE[0-9a-f]{32})(\.wav|\.json)?$/.exec(String(req.params.file));
    const sim = m && [...sims.values()].find((x) => x.call.recordingSid === m[1] && x.call.endTime);
    if (!m || !sim) return twilioError(res, 404, 20404, `The requested resource /Recordings/${req.params.file} was not found`);
    if (m[2] === '.json') return res.json({ sid: m[1], call_sid: sim.call.sid, duration: String(sim.call.duration), status: 'completed' });
    res.type('audio/x-wav').send(silentWav(sim.call.duration));
  });

  app.use((req, res) => twilioError(res, 404, 20404, `The requested resource ${req.path} was not found`));

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    port,
    calls: () => [...sims.values()].map((x) => x.call),
    call: (callSid) => sims.get(callSid)?.call,
    ended: (callSid) => sims.get(callSid)?.done ?? Promise.reject(new Error(`no call ${callSid}`)),
    async stop() {
      for (const s of sims.values()) s.dispose();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// The one config loader: environment variables validated at start-up, with embedded-mode defaults.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const countryList = (defaults: string) =>
  z
    .string()
    .regex(/^([A-Z]{2}(,[A-Z]{2})*)?$/, 'must be a comma list of ISO country codes like DE,FR')
    .default(defaults)
    .transform((v) => (v ? v.split(',') : []));

/** The EEA, the UK, Switzerland and the other countries business travel in the sandbox population goes to. */
const DEFAULT_DIAL_COUNTRIES =
  'AT,BE,BG,HR,CY,CZ,DK,EE,FI,FR,DE,GR,HU,IE,IT,LV,LT,LU,MT,NL,PL,PT,RO,SK,SI,ES,SE,IS,LI,NO,GB,CH,US,CA,MX,BR,AR,AE,SG,JP,AU,NZ';

export const ConfigSchema = z
  .object({
    MODE: z.enum(['sandbox', 'live']).default('sandbox'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().default('.data'),

    TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().default('default'),
    TEMPORAL_TASK_QUEUE: z.string().default('folio'),
    TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
    // Connection security, under the names the Temporal CLI and SDKs read, so one environment serves them all
    // (Temporal Cloud: its address, namespace, and an API key or a client certificate).
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    /** TLS on or off; on by itself when an API key or any TLS option below is set. */
    TEMPORAL_TLS: bool.optional(),
    TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
    TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
    /** The CA that signed the server's certificate, when the system's trust store does not know it. */
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
    /** The name the server's certificate is checked against (SNI), when it differs from the address's host. */
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),

    MONGODB_URI: z.string().startsWith('mongodb').default('mongodb://127.0.0.1:27017/'),
    MONGODB_DB: z.string().default('folio'),

    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: port.default(8080),
    /** The URL vendors reach us at (behind a TLS proxy this is the public https URL). Webhook signatures are checked against it. */
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** The worker's Prometheus endpoint (the Temporal SDK's metrics). */
    METRICS_HOST: z.string().default('127.0.0.1'),
    METRICS_PORT: port.default(9464),
    /**
     * Workflows a worker keeps in memory between their tasks (an evicted one is replayed from its history when it
     * next wakes). Bounds the worker's memory instead of the SDK's heap-based default. Measured with the worker
     * in its own process (bench/at-rest.ts): ~1.1 MB of RSS per cached run on top of ~300 MB at start; 100 held the
     * process at 384 MB with 2,500 folios open (300 cached: 641 MB).
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
    /**
     * The V8 old-space bound (MB) of the worker's workflow thread, where the cached runs live; 0: derived from the
     * cache bound (workers/workflow-heap.ts). Without a bound V8 sizes that heap from the machine's memory and
     * returns garbage late, so RSS swells in bursts. The main thread (activities) keeps V8's default.
     */
    WORKER_WORKFLOW_HEAP_MB: z.coerce.number().int().min(0).default(0),
    /**
     * A workflow bundle built ahead of time (`npm run bundle`); empty: the worker has a child process build one at
     * start, so webpack's memory is never the worker's.
     */
    WORKFLOW_BUNDLE_PATH: z.string().default(''),
    /**
     * Documents are read on this task queue by the extraction process (workers/extraction.ts) with EXTRACTION_CONCURRENCY
     * slots (PDF parsing and OCR are what take memory); the API starts folios with it. Empty: by the worker process, on
     * the folio's own task queue.
     */
    EXTRACTION_TASK_QUEUE: z.string().regex(/^[\w.-]{0,100}$/, 'letters, digits, . _ -').default(''),
    EXTRACTION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** The extraction process's operations port (GET /metrics, /health/live, /health/ready) and its SDK metrics' port. */
    EXTRACTION_OPS_HOST: z.string().default('127.0.0.1'),
    EXTRACTION_OPS_PORT: port.default(9467),
    EXTRACTION_METRICS_PORT: port.default(9468),
    /** The API process's operations port: GET /metrics, /health/live and /health/ready, never on API_PORT. */
    API_OPS_HOST: z.string().default('127.0.0.1'),
    API_OPS_PORT: port.default(9465),
    /** A worker process's operations port: GET /metrics (its projection writes, process), /health/live and /health/ready. */
    WORKER_OPS_HOST: z.string().default('127.0.0.1'),
    WORKER_OPS_PORT: port.default(9466),
    /** Requests per API key per minute. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** Accepted callbacks the relay sends to workflows at once (per process). */
    RELAY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(256).default(16),
    /** How long a relay holds a callback it is sending before another may take it over. */
    RELAY_LEASE_SECONDS: z.coerce.number().min(1).default(30),
    /** A callback not delivered this long after it arrived (Temporal down all along) becomes a dead letter. */
    RELAY_GIVE_UP_SECONDS: z.coerce.number().min(1).default(3600),
    /**
     * How long a webhook's callback may take to reach its workflow directly before it is written to the callback
     * inbox and answered from there (Temporal slow or down). 0: every callback is written down first.
     */
    RELAY_DIRECT_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(1000),

    // Lifecycle policy defaults (per-hotel overrides live in the hotels collection).
    CHECKOUT_GRACE_HOURS: z.coerce.number().min(0).default(24),
    /**
     * The first contact of folios the API starts (the chase policy's `firstContact`, docs/chase-policy.md): the
     * written request a few hours after check-out, the call at the grace end only without a folio. Measured better
     * than calling first on the same seeds (docs/BENCHMARKS.md); the workflow's own default stays call-after-grace,
     * so folios started before this setting replay as they ran. The values are domain/chase-policy's
     * FIRST_CONTACTS (config imports nothing of ours; the type check where the API uses it and a unit test keep them equal).
     */
    CHASE_FIRST_CONTACT: z.enum(['call-after-grace', 'email-early']).default('email-early'),
    /** With email-early: hours past the grace end the first call waits while the early request is unanswered (the policy's `firstCallDelayHours`). */
    CHASE_FIRST_CALL_DELAY_HOURS: z.coerce.number().min(0).max(240).default(0),
    BATCH_WINDOW_SECONDS: z.coerce.number().min(0).default(120),
    MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).default(20),
    CALL_OVERFLOW_SECONDS: z.coerce.number().int().min(30).default(540),
    /** What one guest takes on a call; guests per call = what fits before the overflow (domain/batching.ts). */
    CALL_SECONDS_PER_GUEST: z.coerce.number().int().min(5).max(600).default(35),
    /** Guests per call, when set, instead of deriving it from the overflow (e.g. a sandbox whose desk answers in seconds). */
    CALL_MAX_GUESTS: z.coerce.number().int().min(1).max(20).optional(),
    EMAIL_MAX_GUESTS: z.coerce.number().int().min(1).max(50).default(20),
    /**
     * Call once, email the rest (domain/batching.ts writtenFollowUp): for this many hours after a person at a hotel
     * agreed on the phone to send folios, its next first-time call items go as one written request that refers to
     * the call, instead of another call. 0 (the default): every call item is called. Off by default because, on the
     * sandbox population, 12 h cut no calls per validated folio and delayed the median folio by 17 h (hotels keep
     * phone promises better than they answer mail; docs/BENCHMARKS.md); for hotels that answer mail reliably it
     * takes a busy hotel's calls down to about one per agreement.
     */
    CALL_AGREEMENT_EMAIL_HOURS: z.coerce.number().min(0).max(72).default(0),
    CALL_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
    IVR_MAX_STEPS: z.coerce.number().int().min(1).max(10).default(4),
    // Retention (docs/security.md): days each kind of data is kept; the retention workflow purges the rest on a
    // Temporal Schedule. Recordings carry their own expiry date (RECORDING_RETENTION_DAYS after they were stored).
    RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
    /** A call's context (guests' names, confirmation numbers, the reply address): the webhooks need it only during the call. */
    RETENTION_CALL_CONTEXT_DAYS: z.coerce.number().int().min(1).default(30),
    RETENTION_TRANSCRIPT_DAYS: z.coerce.number().int().min(1).default(90),
    /** Folio documents: counted from the end of every folio that holds one (open folios keep theirs). */
    RETENTION_DOCUMENT_DAYS: z.coerce.number().int().min(1).default(180),
    /** The inbox's record of handled messages (what a re-read of the mailbox would act on again). */
    RETENTION_INBOX_MESSAGE_DAYS: z.coerce.number().int().min(1).default(90),
    /** Messages no rule matched: the time operators have to assign them. */
    RETENTION_UNMATCHED_DAYS: z.coerce.number().int().min(1).default(90),
    /** A folio's timeline: counted from the folio's end. */
    RETENTION_EVENT_DAYS: z.coerce.number().int().min(1).default(365),
    /** Delivered callbacks, kept so a repeat is recognised (vendors retry within hours). */
    RETENTION_CALLBACK_DAYS: z.coerce.number().int().min(1).default(7),
    RETENTION_DEAD_LETTER_DAYS: z.coerce.number().int().min(1).default(90),
    /** When the retention workflow runs (cron, UTC); the schedule is created or updated at worker start. */
    RETENTION_SCHEDULE_CRON: z
      .string()
      .regex(/^\S+( \S+){4}$/, 'must be a five-field cron expression such as "17 3 * * *"')
      .default('17 3 * * *'),
    /** Items purged per activity call, and calls per category in one run (the rest waits for the next run). */
    RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
    RETENTION_MAX_BATCHES: z.coerce.number().int().min(1).max(1000).default(50),
    /** Countries (ISO alpha-2) where the call opens with a recording-consent announcement. */
    RECORDING_CONSENT_COUNTRIES: countryList('DE,AT,CH,FR,IT,ES,PT,NL,BE'),

    /** Countries (ISO alpha-2) whose numbers we call; a hotel elsewhere is refused (API) and never dialled. */
    DIAL_ALLOWED_COUNTRIES: countryList(DEFAULT_DIAL_COUNTRIES),
    /** Per client, unless its settings say otherwise: calls placed for its folios at once, and in any 24 hours. */
    CLIENT_MAX_CONCURRENT_CALLS: z.coerce.number().int().min(1).default(10),
    CLIENT_MAX_CALLS_PER_DAY: z.coerce.number().int().min(1).default(1000),
    /** Largest recording fetched from the telephony vendor. */
    RECORDING_MAX_MB: z.coerce.number().min(1).max(500).default(32),

    // Telephony
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM_NUMBER: z.string().optional(),
    TWILIO_API_BASE_URL: z.string().url().optional(),
    ELEVENLABS_API_KEY: z.string().optional(),
    ELEVENLABS_AGENT_ID: z.string().optional(),
    ELEVENLABS_WEBHOOK_SECRET: z.string().optional(),
    ELEVENLABS_BASE_URL: z.string().url().optional(),

    // Email
    MAIL_FROM: z.string().default('Folio Desk <folios@folio.test>'),
    MAIL_REPLY_DOMAIN: z.string().default('folio.test'),
    SMTP_HOST: z.string().default('127.0.0.1'),
    SMTP_PORT: port.default(2525),
    SMTP_SECURE: bool.default(false),
    SMTP_USER: z.string().optional(),
    SMTP_PASS: z.string().optional(),
    IMAP_HOST: z.string().default('127.0.0.1'),
    IMAP_PORT: port.default(1143),
    IMAP_SECURE: bool.default(false),
    IMAP_USER: z.string().default('folios'),
    IMAP_PASS: z.string().default('folios'),
    IMAP_MAILBOX: z.string().default('INBOX'),
    INBOX_POLL_SECONDS: z.coerce.number().int().min(5).default(30),
    /** Signs the reply tokens in our plus-addresses and subjects. */
    MAIL_TOKEN_SECRET: z.string().min(8).default('sandbox-mail-token-secret'),
    MAIL_DKIM_DOMAIN: z.string().optional(),
    MAIL_DKIM_SELECTOR: z.string().optional(),
    MAIL_DKIM_PRIVATE_KEY: z.string().optional(),
    MAX_DOCUMENT_MB: z.coerce.number().min(1).max(100).default(20),
    /** DNS server (`host:port`) the sender checks (DKIM, SPF, DMARC) ask; default: the system's (sandbox: the sandbox mail system's). */
    MAIL_AUTH_DNS: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[\w.:-]+:\d+$/, 'must be host:port').optional()),
    /** Host name our receiving MTA writes in its Received lines; only such a line is trusted for SPF (default mx.<MAIL_REPLY_DOMAIN>). */
    MAIL_RECEIVED_BY: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
    /** A message whose handling fails this often is recorded as failed (a dead letter) and the inbox moves on. */
    INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),

    // Extraction
    EXTRACTOR: z.enum(['local', 'documentai']).default('local'),
    DOCUMENTAI_PROCESSOR: z.string().optional(),
    DOCUMENTAI_ENDPOINT: z.string().optional(),
    /** OCR of scans and photos by the local extractor: auto (when Tesseract is installed), on (required), off. */
    OCR: z.enum(['auto', 'on', 'off']).default('auto'),
    /** Tesseract language packs, joined by "+". */
    OCR_LANGUAGES: z.string().regex(/^[a-z_]{3,8}(\+[a-z_]{3,8})*$/, 'language codes joined by "+", e.g. eng+deu').default('eng+deu+fra+spa+ita+por+nld'),
    OCR_DPI: z.coerce.number().int().min(150).max(400).default(200),
    OCR_TIMEOUT_MS: z.coerce.number().int().min(5_000).max(600_000).default(120_000),

    // Security
    PAYLOAD_KEYS: z.string().optional(),
    PAYLOAD_ACTIVE_KEY_ID: z.string().optional(),
    /** Comma list of Web UI origins allowed to call the codec endpoint. */
    CODEC_CORS_ORIGIN: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
    /** Hours a replaced delivery signing secret keeps signing beside the new one (a rotation's overlap), unless the rotation says otherwise. */
    DELIVERY_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(720).default(24),

    // Tracing (OpenTelemetry): OTLP/HTTP when an endpoint is set; otherwise spans go to a file in the sandbox.
    /** otlp | file | none; unset: otlp when an OTLP endpoint is set, file in the sandbox, none in live mode. */
    TRACING_EXPORTER: z.enum(['otlp', 'file', 'none']).optional(),
    /** The OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces (the standard OpenTelemetry variable). */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
    /** The OTLP/HTTP base URL; /v1/traces is appended (the standard OpenTelemetry variable). */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    /** Where the file exporter appends spans, one JSON object a line (default DATA_DIR/traces/spans.jsonl). */
    TRACING_FILE: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    temporalSecurityIssues(c).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
    // both are bound by the one worker process
    if (c.WORKER_OPS_PORT !== 0 && c.WORKER_OPS_PORT === c.METRICS_PORT) ctx.addIssue({ code: 'custom', path: ['WORKER_OPS_PORT'], message: `must differ from METRICS_PORT (${c.METRICS_PORT}, the Temporal SDK's metrics)` });
    if (c.EXTRACTION_OPS_PORT !== 0 && c.EXTRACTION_OPS_PORT === c.EXTRACTION_METRICS_PORT) ctx.addIssue({ code: 'custom', path: ['EXTRACTION_OPS_PORT'], message: `must differ from EXTRACTION_METRICS_PORT (${c.EXTRACTION_METRICS_PORT}, the extraction process's SDK metrics)` });
    if (c.TRACING_EXPORTER === 'otlp' && !c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT && !c.OTEL_EXPORTER_OTLP_ENDPOINT) {
      ctx.addIssue({ code: 'custom', path: ['OTEL_EXPORTER_OTLP_ENDPOINT'], message: 'is required when TRACING_EXPORTER=otlp' });
    }
    if (c.MODE !== 'live') return;
    // Live mode never falls back to the sandbox: every vendor credential must be present.
    const required = [
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'TWILIO_FROM_NUMBER',
      'ELEVENLABS_API_KEY',
      'ELEVENLABS_AGENT_ID',
      'ELEVENLABS_WEBHOOK_SECRET',
      'PUBLIC_BASE_URL',
      'PAYLOAD_KEYS',
    ] as const;
    if (c.MAIL_TOKEN_SECRET.startsWith('sandbox-')) ctx.addIssue({ code: 'custom', path: ['MAIL_TOKEN_SECRET'], message: 'must be set to a secret of your own when MODE=live' });
    for (const key of required) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when MODE=live' });
    }
    const dkim = [c.MAIL_DKIM_DOMAIN, c.MAIL_DKIM_SELECTOR, c.MAIL_DKIM_PRIVATE_KEY].filter(Boolean).length;
    if (dkim !== 0 && dkim !== 3) ctx.addIssue({ code: 'custom', path: ['MAIL_DKIM_PRIVATE_KEY'], message: 'DKIM needs MAIL_DKIM_DOMAIN, MAIL_DKIM_SELECTOR and MAIL_DKIM_PRIVATE_KEY together' });
    if (c.EXTRACTOR === 'documentai' && !c.DOCUMENTAI_PROCESSOR) {
      ctx.addIssue({ code: 'custom', path: ['DOCUMENTAI_PROCESSOR'], message: 'is required when EXTRACTOR=documentai' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

type TemporalSecurity = { [K in 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS' | `TEMPORAL_TLS_${'CLIENT_CERT' | 'CLIENT_KEY' | 'SERVER_CA_CERT'}_${'PATH' | 'DATA'}`]?: string | boolean };

/** A certificate or key is given as a file or inline, not both; a client certificate needs its key; TLS off excludes TLS options. */
function temporalSecurityIssues(c: TemporalSecurity): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  for (const part of ['CLIENT_CERT', 'CLIENT_KEY', 'SERVER_CA_CERT'] as const) {
    if (c[`TEMPORAL_TLS_${part}_PATH`] && c[`TEMPORAL_TLS_${part}_DATA`]) issues.push({ path: [`TEMPORAL_TLS_${part}_DATA`], message: `cannot be set together with TEMPORAL_TLS_${part}_PATH` });
  }
  const cert = !!(c.TEMPORAL_TLS_CLIENT_CERT_PATH || c.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const key = !!(c.TEMPORAL_TLS_CLIENT_KEY_PATH || c.TEMPORAL_TLS_CLIENT_KEY_DATA);
  if (cert !== key) issues.push({ path: [cert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH'], message: 'a client certificate and its key go together (mTLS)' });
  if (c.TEMPORAL_TLS === false && (cert || key || c.TEMPORAL_TLS_SERVER_CA_CERT_PATH || c.TEMPORAL_TLS_SERVER_CA_CERT_DATA)) {
    issues.push({ path: ['TEMPORAL_TLS'], message: 'is false while TLS certificates are configured' });
  }
  return issues;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A production process (NODE_ENV=production, as in the container image) without MODE runs live: it then refuses
 * to start without its credentials and keys rather than fall back to the sandbox's published development key.
 * Local commands (npm start, npm test) are sandbox by default and say so (scripts/start.sh, scripts/test.sh).
 */
export function withDefaultMode(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.MODE === undefined && env.NODE_ENV === 'production' ? { ...env, MODE: 'live' } : env;
}

/** Parses the environment; throws a ConfigError whose message names each bad variable on one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(withDefaultMode(env));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'} ${i.message}`).join('; ');
  throw new ConfigError(`invalid configuration: ${problems}`);
}

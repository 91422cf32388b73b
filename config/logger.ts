// The one logger: structured JSON (pino). Log ids, never guest names, phone numbers or document contents.
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: process.env.SERVICE_NAME ?? 'folio' },
  redact: { paths: ['*.guestName', '*.firstName', '*.lastName', '*.phone', '*.email', '*.password', '*.authorization', 'req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
});
export type Logger = typeof logger;

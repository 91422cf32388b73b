// The one logger: structured JSON (pino). Log ids, never guest names, phone numbers or document contents;
// what slips through anyway is redacted by key name at any depth (observability/redact.ts).
import pino, { type DestinationStream } from 'pino';
import { redactDeep } from './redact';

/** The logger, writing to stdout unless a destination is given (tests read what it writes). */
export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: process.env.SERVICE_NAME ?? 'folio' },
    // pino's own `redact` paths reach fixed depths only; these formatters see every log object and child binding whole.
    // errors are already serialized (and redacted) by the log formatter; pino's own would retype them "Object"
    serializers: { err: (e: unknown) => e },
    formatters: {
      log: (obj) => redactDeep(obj) as Record<string, unknown>,
      bindings: (bindings) => redactDeep(bindings) as pino.Bindings,
    },
  };
  const root = destination ? pino(options, destination) : pino(options);
  // pino applies the bindings formatter to the root's bindings only; children (which inherit this method)
  // have theirs redacted here.
  const child = root.child;
  root.child = function (this: pino.Logger, bindings, childOptions) {
    return child.call(this, redactDeep(bindings) as pino.Bindings, childOptions);
  } as typeof root.child;
  return root;
}

export const logger = createLogger();
export type Logger = typeof logger;

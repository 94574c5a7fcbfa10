import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Builds the one root logger; everything else logs through children of it. */
export function createLogger(opts: { level?: string; pretty?: boolean; name?: string } = {}): Logger {
  const options: LoggerOptions = {
    name: opts.name ?? 'trichain',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    // Tokens and session webhooks grant access; never let them reach a log sink.
    redact: {
      paths: ['accessToken', '*.accessToken', 'sessionWebhook', '*.sessionWebhook', 'clientSecret', '*.clientSecret', 'headers["x-acs-dingtalk-access-token"]'],
      censor: '[redacted]',
    },
  };
  if (opts.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino(options);
}

/** A silent logger for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });

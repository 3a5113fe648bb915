// The server's logger: pino JSON lines (one per request, machine-readable) when
// stdout is a file or a pipe, as in production and in the tests; the same
// lines made readable by pino-pretty when a person watches a terminal.
import pino, { type Logger } from 'pino';

export function createLogger(env: NodeJS.ProcessEnv = process.env, isTerminal = Boolean(process.stdout.isTTY)): Logger {
  const level = env.LOG_LEVEL ?? 'info';
  if (!isTerminal || env.LOG_FORMAT === 'json') return pino({ level });
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } },
  });
}

import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import type { LogLevel } from '../config/app-config';

/**
 * One pino instance serves Fastify's request logs (each line carries `reqId`) and Nest's own
 * messages, as JSON lines on stdout. Headers are never logged, so tokens never are.
 */
export function createRootLogger(level: LogLevel, destination = logDestination()): Pino {
  return pino(
    {
      level,
      base: { service: 'cloneworks' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-auth-token"]', 'req.headers["remote-token"]'],
        remove: true,
      },
    },
    destination,
  );
}

/**
 * Standard output as the log writes it: asynchronously. Text that must follow the lines logged
 * before it (the start summary) goes through this stream too, not process.stdout.
 */
export function logDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

// Nest's start-up chatter: a line per module and per route (~150). The start summary that
// main.ts prints is what an operator reads; these stay available at debug.
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

export class NestPinoLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, context?: string) {
    if (context !== undefined && START_UP_CONTEXTS.has(context))
      this.pino.debug({ context }, String(message));
    else this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.pino.fatal({ context }, String(message));
  }
}

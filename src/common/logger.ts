import type { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import type { LogLevel } from '../config/app-config';

/**
 * One pino instance serves Fastify's request logs (each line carries `reqId`) and Nest's own
 * messages, as JSON lines on stdout. Headers are never logged, so tokens never are.
 */
export function createRootLogger(level: LogLevel): Pino {
  return pino({
    level,
    base: { service: 'cloneworks' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-auth-token"]', 'req.headers["remote-token"]'],
      remove: true,
    },
  });
}

export class NestPinoLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
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

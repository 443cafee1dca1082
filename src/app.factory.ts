import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger as Pino } from 'pino';
import { AppModule } from './app.module';
import {
  newRequestId,
  registerJsonParsers,
  registerPreflightCheck,
  registerRawParser,
  registerRequestIdHeader,
  registerShutdownRefusal,
} from './common/http-transport';
import { createRootLogger, NestPinoLogger } from './common/logger';
import { registerSecurityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';
import { answerUnroutable } from './faces/face-error.filter';
import { registerJsonApiMediaTypeChecks } from './faces/jsonapi/jsonapi-media-type';
import { LiveHub } from './faces/todo/live/live-hub';
import { registerLiveSockets } from './faces/todo/live/live-sockets';
import { setupSwagger } from './swagger';

export interface CreateAppOptions {
  logger?: Pino;
}

const CORS_HEADERS = [
  'Content-Type',
  'Authorization',
  'Remote-Token',
  'Remote-Client',
  'X-Auth-Token',
  'X-Organization-Id',
  'Idempotency-Key',
  'Prefer',
  'Accept',
];

/** Builds the whole application; production (main.ts) and every e2e test boot exactly this. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createRootLogger(config.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: newRequestId,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Large copies answer within seconds; keep idle sockets from holding shutdown.
    forceCloseConnections: 'idle',
    // Refused in each face's own format instead (registerShutdownRefusal).
    return503OnClosing: false,
    frameworkErrors: answerUnroutable,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonParsers(fastify, config.BODY_LIMIT_BYTES, config.BODY_LIMIT_MAX_BYTES);
  registerRawParser(fastify, config.BODY_LIMIT_BYTES, config.BODY_LIMIT_MAX_BYTES);
  registerRequestIdHeader(fastify);
  registerJsonApiMediaTypeChecks(fastify, [/\/attachments\/[^/]+\/content$/]);
  // The To Do widget's live channel: GET /todo/api/v1 also opens a WebSocket (docs/live-updates.md).
  await registerLiveSockets(
    fastify,
    (socket, request) => app.get(LiveHub, { strict: false }).open(socket, request),
    () => app.get(LiveHub, { strict: false }).closeSockets(),
  );

  await registerSecurityHeaders(fastify);
  // After the security headers' hook, so that the refusal carries the security headers; before the CORS plugin's.
  registerPreflightCheck(fastify);
  app.enableCors({
    origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: CORS_HEADERS,
    exposedHeaders: ['X-Request-Id', 'X-Todo-Error', 'Location', 'Content-Location'],
    maxAge: 600,
  });
  // After the CORS plugin's hook, so that a browser (the To Do widget) can read the refusal.
  registerShutdownRefusal(fastify);
  app.useGlobalPipes(createValidationPipe());
  setupSwagger(app);
  // A browser pointed at the service lands in Swagger UI.
  fastify.get('/', (_request, reply) => reply.redirect('/docs', 302));
  await app.init();
  await fastify.ready();
  return app;
}

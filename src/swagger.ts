import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { JSONAPI_TAG } from './faces/jsonapi/jsonapi.openapi';
import { TODO_TAG } from './faces/todo/todo.openapi';
import { TOLOKA_TAG } from './faces/toloka/toloka.openapi';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('cloneworks')
    .setDescription(
      [
        'Copies work items — task trees and crowdsourcing pools — correctly, atomically and fast.',
        '',
        'Three faces share one domain core:',
        '- **To Do widget** (`/todo`): the REST backend of the DHTMLX To Do List widget. Token in `Remote-Token`.',
        '- **v1 · Toloka-compatible** (`/api/v1`): projects, pools, pool clone as an asynchronous operation. Token as `Authorization: OAuth <token>`.',
        '- **v2 · JSON:API** (`/api/v2`): project management and `POST /api/v2/tasks/copy`. Token in `X-Auth-Token`, account id in `X-Organization-Id`.',
        '',
        'Use **Authorize** with the token printed at first start (or made with `npm run cli -- account:create`).',
        '',
        'On every face: bodies are UTF-8 JSON (other bytes are refused with 400); keys such as `constructor` or `__proto__` in free-form members are data like any other; ids are integers up to 9223372036854775807, and one that names nothing answers like any missing id; text limits count characters (Unicode code points); `OPTIONS` answers CORS preflights only (400 in the face’s format otherwise).',
      ].join('\n'),
    )
    .setVersion('0.1.0')
    .addTag(TODO_TAG, 'REST backend of the DHTMLX To Do List widget')
    .addTag(TOLOKA_TAG, 'Toloka-compatible requester API; toloka-kit works against it unchanged')
    .addTag(JSONAPI_TAG, 'JSON:API project-management API')
    .addTag('health', 'Liveness and readiness probes (no token)')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'Remote-Token', description: 'The token itself' },
      'RemoteToken',
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Type `OAuth <token>`' },
      'OAuth',
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Type `ApiKey <token>`' },
      'ApiKey',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The token as a bearer token' }, 'Bearer')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'The token itself' },
      'XAuthToken',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Organization-Id',
        description: 'The account id of the token (v2)',
      },
      'OrganizationId',
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}

export function setupSwagger(app: NestFastifyApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'cloneworks API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
  return document;
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SECURITY_SCHEMES } from './auth/auth.openapi';
import { JSONAPI_TAG } from './faces/jsonapi/jsonapi.openapi';
import { TODO_TAG } from './faces/todo/todo.openapi';
import { TOLOKA_TAG } from './faces/toloka/toloka.openapi';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('cloneworks')
    .setDescription(
      [
        'Copies work items — task trees and crowdsourcing pools — correctly, atomically and fast.',
        '',
        'Three faces share one domain core:',
        '- **To Do widget** (`/todo`): the REST backend of the DHTMLX To Do List widget, which sends the token in `Remote-Token`.',
        '- **v1 · Toloka-compatible** (`/api/v1`): projects, pools, pool clone as an asynchronous operation; toloka-kit sends `Authorization: OAuth <token>`.',
        '- **v2 · JSON:API** (`/api/v2`): project management and `POST /api/v2/tasks/copy`, with the token in `X-Auth-Token` and the account id in `X-Organization-Id`.',
        '',
        '**Authorize**: paste the token printed at first start (or made with `npm run cli -- account:create`) as it is into **XAuthToken**, ' +
          'and the account id (1 for the account made at first start) into **OrganizationId**: that pair serves all three faces. ' +
          'The other token fields take the same bare token.',
        '',
        '**Try it out**: every example names the objects that `npm run seed:demo` adds to the first account of a fresh database, ' +
          'so each one runs unchanged there.',
        '',
        'On every face: bodies are UTF-8 JSON (other bytes are refused with 400); keys such as `constructor` or `__proto__` in free-form members are data like any other; ids are integers up to 9223372036854775807, and one that names nothing answers like any missing id; text limits count characters (Unicode code points); `OPTIONS` answers CORS preflights only (400 in the face’s format otherwise).',
      ].join('\n'),
    )
    .setVersion('0.1.0')
    .addTag(TODO_TAG, 'REST backend of the DHTMLX To Do List widget')
    .addTag(TOLOKA_TAG, 'Toloka-compatible requester API; toloka-kit works against it unchanged')
    .addTag(JSONAPI_TAG, 'JSON:API project-management API')
    .addTag('health', 'Liveness and readiness probes (no token)');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, scheme);
  const config = builder.build();
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

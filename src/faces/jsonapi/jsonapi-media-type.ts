import type { FastifyInstance, FastifyRequest } from 'fastify';
import { routedPath } from '../../common/http-transport';
import { JSONAPI_PREFIX } from '../faces';
import { JSONAPI_MEDIA_TYPE } from './jsonapi-error.mapper';
import { RequestError } from '../../common/request.errors';

// JSON:API allows only the ext and profile media-type parameters (docs/v2.md#headers-and-media-types).
const ALLOWED_PARAMS = new Set(['ext', 'profile']);

interface MediaType {
  type: string;
  params: string[];
}

function parseMediaTypes(header: string): MediaType[] {
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    return {
      type: type.toLowerCase(),
      params: params.map((p) => p.split('=')[0].trim().toLowerCase()).filter((p) => p && p !== 'q'),
    };
  });
}

const onlyAllowedParams = (m: MediaType) => m.params.every((p) => ALLOWED_PARAMS.has(p));

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * Media-type negotiation for the v2 face, before authentication (the first refusal, docs/v2.md#refusal-order): a body must be
 * `application/vnd.api+json` (415 otherwise), and an Accept that names that type only with
 * disallowed parameters is refused (406). Raw-content routes (attachment bytes) are exempt.
 */
export function registerJsonApiMediaTypeChecks(
  fastify: FastifyInstance,
  rawContentPaths: RegExp[] = [],
): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const path = routedPath(request);
    if (!(path === JSONAPI_PREFIX || path.startsWith(`${JSONAPI_PREFIX}/`))) return done();
    if (rawContentPaths.some((re) => re.test(path))) return done();

    const accept = request.headers.accept;
    if (accept) {
      const jsonApi = parseMediaTypes(accept).filter((m) => m.type === JSONAPI_MEDIA_TYPE);
      if (jsonApi.length > 0 && !jsonApi.some(onlyAllowedParams)) {
        return done(
          new RequestError(
            'REQUEST_NOT_ACCEPTABLE',
            `Accept names ${JSONAPI_MEDIA_TYPE} only with unsupported parameters`,
            {
              meta: { header: 'Accept' },
            },
          ),
        );
      }
    }
    if (hasBody(request)) {
      const contentType = request.headers['content-type'];
      const [media] = contentType ? parseMediaTypes(contentType) : [];
      if (!media || media.type !== JSONAPI_MEDIA_TYPE || !onlyAllowedParams(media)) {
        return done(
          new RequestError('REQUEST_UNSUPPORTED_MEDIA_TYPE', `Request bodies must be ${JSONAPI_MEDIA_TYPE}`, {
            meta: { header: 'Content-Type' },
          }),
        );
      }
    }
    done();
  });

  // Fastify appends `; charset=utf-8` to every JSON-like string body; JSON:API forbids parameters
  // other than ext/profile on the response media type.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    const contentType = reply.getHeader('content-type');
    if (typeof contentType === 'string' && contentType.startsWith(`${JSONAPI_MEDIA_TYPE};`)) {
      reply.header('content-type', JSONAPI_MEDIA_TYPE);
    }
    done(null, payload);
  });
}

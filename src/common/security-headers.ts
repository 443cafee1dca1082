import helmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { FastifyInstance } from 'fastify';

/** The same security headers for every response: Swagger UI's scripts and styles load from this origin. */
const SECURITY_HEADERS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      // Served over plain HTTP on a developer's machine; upgrading would break Swagger UI there.
      upgradeInsecureRequests: null,
    },
  },
  crossOriginResourcePolicy: { policy: 'cross-origin' },
};

/**
 * The headers @fastify/helmet sets with these options, names spelt as it spells them, in its order.
 * Asked once of a throwaway instance: the plugin itself builds its middleware (the CSP directives
 * parsed again) for every request, which a service answering hundreds a second pays for.
 */
async function securityHeaders(): Promise<Array<[string, string]>> {
  const probe = Fastify();
  const headers: Array<[string, string]> = [];
  // Before the plugin's hooks: records what it sets, as it sets it.
  probe.addHook('onRequest', (_request, reply, done) => {
    const raw = reply.raw;
    const setHeader = raw.setHeader.bind(raw);
    raw.setHeader = (name, value) => {
      headers.push([name, String(value)]);
      return setHeader(name, value);
    };
    done();
  });
  await probe.register(helmet, SECURITY_HEADERS);
  // After them: the reply's own headers are not among them.
  probe.addHook('onRequest', (_request, reply, done) => {
    delete (reply.raw as { setHeader?: unknown }).setHeader;
    done();
  });
  probe.get('/', (_request, reply) => reply.send());
  try {
    await probe.inject({ method: 'GET', url: '/' });
    return headers;
  } finally {
    await probe.close();
  }
}

/** Every response, refusals included, carries the security headers (set before any other hook's). */
export async function registerSecurityHeaders(fastify: FastifyInstance): Promise<void> {
  const headers = await securityHeaders();
  if (!headers.some(([name]) => name.toLowerCase() === 'content-security-policy')) {
    throw new Error('The security headers were not found: @fastify/helmet answered without them');
  }
  fastify.addHook('onRequest', (_request, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value);
    done();
  });
}

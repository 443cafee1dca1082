import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { firstHeader } from '../../../common/headers';
import { LIVE_PATH } from './live.controller';
import { writeOrigin } from '../../../tasks/store/task-changes.service';

const MAX_MESSAGE_BYTES = 4096;

/**
 * Lets GET /todo/api/v1 also open a WebSocket (the widget's `?ws=1`), and runs each request that
 * names its live client (`Remote-Client`) with it, so that its write skips that client's socket.
 * Before the routes are made: the route's socket handler is attached as Nest registers it.
 */
export async function registerLiveSockets(
  fastify: FastifyInstance,
  open: (socket: WebSocket, request: FastifyRequest) => Promise<void>,
  closeAll: () => void,
): Promise<void> {
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === LIVE_PATH && methods.includes('GET')) route.wsHandler = open;
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    const raw = firstHeader(request.headers, 'remote-client')?.trim();
    if (!raw || !/^\d{1,15}$/.test(raw)) return done();
    writeOrigin.run(`live:${Number(raw)}`, done);
  });
  await fastify.register(websocket, {
    options: { maxPayload: MAX_MESSAGE_BYTES },
    // The plugin's own preClose would end every socket without a close code (1005), before the
    // hub's shutdown hook runs: the hub closes them with 1001 instead, its queued events first.
    preClose(done) {
      closeAll();
      this.websocketServer.close();
      done();
    },
  });
}

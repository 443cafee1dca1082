// A widget's live socket as the benchmarks open it: connected, and subscribed to the account's
// tasks once the service has said it is ready (its first message).
import WebSocket from 'ws';

/** Opens `url` (ws://…/todo/api/v1?token=…&ws=1) and resolves once it is subscribed to tasks. */
export async function subscribedSocket(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('message', () => {
      ws.send(JSON.stringify({ action: 'subscribe', name: 'tasks' }));
      resolve();
    });
    ws.once('error', reject);
  });
  return ws;
}

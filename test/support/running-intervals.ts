// Loaded after the test framework in every test file (jest.config.js). A Jest worker exits by
// itself once nothing refed is left, and is killed with "A worker process has failed to exit
// gracefully" when that takes more than 500 ms after the end of its last file. redis-parser (under
// ioredis) shrinks its module-wide reply buffer on a refed 50 ms interval for up to a few seconds
// after a reply longer than the buffer came in several socket reads (a large live message, say),
// and clears that interval itself whatever became of the client: a file's teardown waits for such
// intervals, so that the worker has nothing left to run. One still running after the wait is a
// leak, and fails the file with where it was started.
const WAIT_MS = 5000;

const realSetInterval = global.setInterval;
const realSetTimeout = global.setTimeout;
const started = new Map<NodeJS.Timeout, string>();

global.setInterval = Object.assign((...args: Parameters<typeof setInterval>): NodeJS.Timeout => {
  const timer = realSetInterval(...args);
  started.set(timer, (new Error().stack ?? '').split('\n').slice(2, 6).join('\n'));
  return timer;
}, realSetInterval);

// Cleared by clearInterval or clearTimeout, by the object or by its number: Node marks it destroyed.
const running = (): string[] => {
  for (const timer of started.keys()) {
    if ((timer as NodeJS.Timeout & { _destroyed?: boolean })._destroyed) started.delete(timer);
  }
  return [...started].filter(([timer]) => timer.hasRef()).map(([, stack]) => stack);
};

afterAll(async () => {
  const deadline = Date.now() + WAIT_MS;
  while (running().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => realSetTimeout(resolve, 50));
  }
  const left = running();
  if (left.length > 0) {
    throw new Error(
      `${left.length} interval(s) still running ${WAIT_MS} ms after the file's teardown, started:\n${left.join('\n--\n')}`,
    );
  }
}, WAIT_MS + 5000);

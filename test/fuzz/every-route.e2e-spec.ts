import fc from 'fast-check';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createTestApp, TestApp } from '../support/test-app';
import { testDialects } from '../support/test-database';
import { errorFormatProblem } from '../support/face-requests';
import { FuzzWorld, loadIdPools, replenish, seedWorld, settleOperations } from './fuzz-world';
import { faceProblems, storeProblems } from './invariants';
import { Finding } from './finding';
import { OpenApiDocument, Route, routesOf } from './openapi-routes';
import { planArb } from './request-arbitrary';
import { IdPools, RequestPlan, resolve } from './request-plan';

// A property-based fuzz of every route in /docs-json (see README, "Fuzzing"): whatever the
// request, no answer is a 5xx, every error is in its face's own format, and the stores' invariants
// hold afterwards. Seeded: FUZZ_SEED replays a run (on a fresh database), FUZZ_RUNS and
// FUZZ_TIME_LIMIT_S make it longer.

const SEED =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20251204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_S ?? 90) * 1000;
/** Collect every distinct finding and fail at the end, rather than stop at the first one. */
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
/** The face invariants are read every this many requests (the store's after every change). */
const FACE_CHECK_EVERY = 50;

/** Errors the service logs, by request id. */
function capturingLogger() {
  const byRequest = new Map<string, string[]>();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        const entry = JSON.parse(line) as {
          reqId?: string;
          msg?: string;
          err?: { type?: string; message?: string };
        };
        if (!entry.reqId) continue;
        const text = entry.err ? `${entry.err.type}: ${entry.err.message}` : String(entry.msg);
        byRequest.set(entry.reqId, [...(byRequest.get(entry.reqId) ?? []), text]);
      }
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), byRequest };
}

describe.each(testDialects())('fuzz: every route of /docs-json [%s]', (dialect) => {
  let t: TestApp;
  let world: FuzzWorld;
  let routes: Route[];
  let pools: IdPools;
  const logs = capturingLogger();

  beforeAll(async () => {
    t = await createTestApp(
      dialect,
      {
        RATE_LIMIT_POOL_CLONE_PER_MINUTE: '0',
        RATE_LIMIT_POOL_CLONE_PER_DAY: '0',
        RATE_LIMIT_POOL_CREATE_PER_MINUTE: '0',
        RATE_LIMIT_POOL_CREATE_PER_DAY: '0',
        RATE_LIMIT_PROJECT_CREATE_PER_MINUTE: '0',
        RATE_LIMIT_PROJECT_CREATE_PER_DAY: '0',
        // Copies of copies would double the trees; small limits keep the run's data small and
        // send the larger copies down the asynchronous path.
        COPY_SYNC_MAX_TASKS: '40',
        COPY_MAX_TASKS: '400',
      },
      { logger: logs.logger },
    );
    world = await seedWorld(t);
    pools = await loadIdPools(t, world);
    const document = (await t.inject({ method: 'GET', url: '/docs-json' })).json() as OpenApiDocument;
    routes = routesOf(document);
  });

  afterAll(async () => {
    await t?.close();
  });

  it(
    'answers no 5xx, every error in its face’s format, and keeps every invariant',
    async () => {
      expect(routes.length).toBeGreaterThan(100);
      const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
      // Deletes are rarer than the rest, so that the data they remove is not gone for good.
      const requestArb = fc
        .oneof(
          ...routes.map((route) => ({
            weight: route.method === 'delete' ? 1 : 4,
            arbitrary: fc.constant(route),
          })),
        )
        .chain(planArb);
      let count = 0;
      const findings = new Map<string, { count: number; report: string }>();

      const check = async (plan: RequestPlan): Promise<void> => {
        const route = byKey.get(plan.route)!;
        const request = resolve(plan, route.path, {
          pools,
          a: world.a,
          b: world.b,
          revokedToken: world.revokedToken,
          face: route.face,
        });
        const res = await t.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        });
        count++;
        const requestId = String(res.headers['x-request-id'] ?? '');
        const problem =
          res.statusCode >= 500
            ? `answered ${res.statusCode}`
            : errorFormatProblem(route.face, request.method, res);
        if (problem) {
          const finding: Finding = {
            dialect,
            face: route.face,
            route: plan.route,
            method: plan.method,
            status: res.statusCode,
            contentType: String(res.headers['content-type'] ?? ''),
            requestHeaders: request.headers,
            requestBody: request.payload,
            logged: logs.byRequest.get(requestId) ?? [],
          };
          const report = [
            `${request.method} ${request.url} ${problem}`,
            `request headers: ${JSON.stringify(request.headers)}`,
            `request body: ${request.payload?.toString('utf8').slice(0, 2000) ?? '(none)'}`,
            `answer: ${res.statusCode} ${String(res.headers['content-type'])} ${res.body.slice(0, 1000)}`,
            `logged: ${finding.logged.join(' | ') || '(nothing)'}`,
          ].join('\n');
          if (!KEEP_GOING) throw new Error(report);
          const signature = `${finding.route} ${problem} ${finding.logged[0] ?? ''}`.replace(/\d+/g, 'N');
          const seen = findings.get(signature);
          findings.set(signature, { count: (seen?.count ?? 0) + 1, report: seen?.report ?? report });
        }
        logs.byRequest.delete(requestId);
        if (request.method !== 'GET' && request.method !== 'HEAD' && res.statusCode < 400) {
          await settleOperations(t);
          const broken = await storeProblems(t, [world.a.id, world.b.id]);
          if (broken.length)
            throw new Error(
              `after ${request.method} ${request.url} (${res.statusCode}): ${broken.join('; ')}`,
            );
          pools = await loadIdPools(t, world);
          if (await replenish(t, world, pools)) pools = await loadIdPools(t, world);
        }
        if (count % FACE_CHECK_EVERY === 0) await expectFacesAgree();
      };

      const expectFacesAgree = async () => {
        for (const account of [world.a, world.b]) {
          const problems = await faceProblems(t, account);
          if (problems.length) throw new Error(`faces disagree (request ${count}): ${problems.join('; ')}`);
        }
      };

      await fc.assert(fc.asyncProperty(requestArb, check), {
        seed: SEED,
        numRuns: RUNS,
        // The database carries every run's effects: replaying shrunk inputs would not reproduce
        // the state a failure needed. Rerun the whole seed instead.
        endOnFailure: true,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
      });
      const distinct = [...findings.values()].map((f) => `${f.count} × ${f.report}`);
      if (distinct.length)
        throw new Error(`seed ${SEED}: ${distinct.length} distinct findings\n\n${distinct.join('\n\n')}`);
      await settleOperations(t);
      await expectFacesAgree();
      expect(await storeProblems(t, [world.a.id, world.b.id])).toEqual([]);
      console.log(`fuzz [${dialect}]: seed ${SEED}, ${count} requests`);
    },
    TIME_LIMIT_MS + 60_000,
  );
});

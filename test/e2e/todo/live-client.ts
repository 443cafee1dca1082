import WebSocket from 'ws';
import type { TestAccount, TestApp } from '../../support/test-app';

/** A message the server sent on a live socket. */
export interface LiveFrame {
  action: string;
  body?: unknown;
}

export interface LiveEventBody {
  name: 'tasks' | 'projects';
  value: { type: string; id: number | null; data?: Record<string, unknown> };
}

/** A live socket as the widget's RemoteEvents opens it: key from GET, `?token=<key>&ws=1`, subscribe. */
export class LiveClient {
  readonly frames: LiveFrame[] = [];
  clientId: number | null = null;
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as LiveFrame;
      if (frame.action === 'start') this.clientId = frame.body as number;
      this.frames.push(frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens the socket with this key and, once started, subscribes to both channels. */
  static async open(baseUrl: string, key: string, subscribe = true): Promise<LiveClient> {
    const ws = new WebSocket(
      `${baseUrl.replace(/^http/, 'ws')}/todo/api/v1?token=${encodeURIComponent(key)}&ws=1`,
    );
    const client = new LiveClient(ws);
    await client.until(() => client.clientId !== null || client.closed !== null, 5000);
    if (subscribe && !client.closed) {
      ws.send(JSON.stringify({ action: 'subscribe', name: 'tasks' }));
      ws.send(JSON.stringify({ action: 'subscribe', name: 'projects' }));
      // The subscriptions are read in order before any later write is told: a ping round trip.
      await new Promise<void>((resolve) => {
        ws.once('pong', () => resolve());
        ws.ping();
      });
    }
    return client;
  }

  /** The events received so far. */
  get events(): LiveEventBody[] {
    return this.frames.filter((f) => f.action === 'event').map((f) => f.body as LiveEventBody);
  }

  /** Waits until `n` events have come (or fails after timeoutMs). */
  async eventCount(n: number, timeoutMs = 5000): Promise<LiveEventBody[]> {
    await this.until(() => this.events.length >= n, timeoutMs);
    return this.events;
  }

  async until(ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`live client: timed out; frames ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A task on the To Do wire (the parts the replica compares). */
export interface ReplicaTask {
  id: number;
  parent: number | null;
  project: number | null;
  [key: string]: unknown;
}

/**
 * A reference reducer of the live events, the way docs/live-updates.md says a client applies
 * them: the replica's tasks and, per list, the order of its tasks.
 */
export class TaskReplica {
  readonly tasks = new Map<number, ReplicaTask>();
  private readonly lists = new Map<string, number[]>();
  readonly projects = new Map<number, string>();
  resyncs = 0;

  constructor(tasks: ReplicaTask[], projects: Array<{ id: number; label: string }>) {
    for (const t of tasks) this.insert({ ...t }, null, false);
    for (const p of projects) this.projects.set(p.id, p.label);
  }

  apply(event: LiveEventBody): void {
    const { type, id, data = {} } = event.value;
    switch (type) {
      case 'resync':
        this.resyncs++;
        return;
      case 'add-task': {
        const task = data.task as ReplicaTask;
        this.insert({ ...task }, data, true);
        return;
      }
      case 'clone-task': {
        const batch = data.batch as ReplicaTask[];
        const roots = batch.filter((t) => !batch.some((x) => x.id === t.parent));
        let place: Record<string, unknown> = data;
        for (const root of roots) {
          this.insert(
            { ...root, parent: data.parent as number | null, project: data.project as number | null },
            place,
            true,
          );
          place = { parent: data.parent, project: data.project, targetId: root.id };
        }
        for (const t of batch) if (!roots.includes(t)) this.insert({ ...t }, null, false);
        return;
      }
      case 'update-task':
        for (const t of [data.task as ReplicaTask, ...((data.batch as ReplicaTask[] | undefined) ?? [])]) {
          const old = this.tasks.get(t.id);
          if (old) this.tasks.set(t.id, { ...t, parent: old.parent, project: old.project });
        }
        return;
      case 'delete-task':
        for (const taskId of (data.batch as number[] | undefined) ?? [id as number]) this.remove(taskId);
        return;
      case 'move-task':
        if (data.opbatch) {
          for (const step of data.opbatch as Array<Record<string, unknown>>)
            this.move(step.id as number, step);
        } else if (data.batch) {
          let place: Record<string, unknown> = data;
          for (const taskId of data.batch as number[]) {
            this.move(taskId, place);
            place = { parent: data.parent, project: data.project, targetId: taskId };
          }
        } else this.move(id as number, data);
        return;
      case 'set-sort':
        for (const list of data.lists as Array<{
          project: number | null;
          parent: number | null;
          ids: number[];
        }>)
          this.lists.set(keyOf(list.project, list.parent), [...list.ids]);
        return;
      case 'add-project':
      case 'update-project':
        this.projects.set(id as number, (data as { label: string }).label);
        return;
      case 'delete-project':
        this.projects.delete(id as number);
        return;
      default:
        throw new Error(`unknown event type ${type}`);
    }
  }

  /** The tasks in the order GET /todo/tasks gives them: No project first, then by project id, pre-order. */
  ordered(): ReplicaTask[] {
    const out: ReplicaTask[] = [];
    const walk = (ids: number[]) => {
      for (const id of ids) {
        out.push(this.tasks.get(id)!);
        walk(this.lists.get(keyOf(null, id)) ?? []);
      }
    };
    const projects = [...new Set([...this.tasks.values()].map((t) => t.project))].sort(
      (a, b) => (a ?? 0) - (b ?? 0),
    );
    for (const p of projects) walk(this.lists.get(keyOf(p, null)) ?? []);
    return out;
  }

  private insert(task: ReplicaTask, place: Record<string, unknown> | null, placed: boolean): void {
    this.tasks.set(task.id, task);
    const list = this.listOf(task.project, task.parent);
    if (!placed || !place) list.push(task.id);
    else list.splice(this.slot(list, place), 0, task.id);
  }

  private move(id: number, place: Record<string, unknown>): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.detach(task);
    task.parent = (place.parent as number | null) ?? null;
    const project = (place.project as number | null) ?? null;
    this.setProject(task, project);
    const list = this.listOf(task.project, task.parent);
    list.splice(this.slot(list, place), 0, id);
  }

  private setProject(task: ReplicaTask, project: number | null): void {
    task.project = project;
    for (const child of this.lists.get(keyOf(null, task.id)) ?? [])
      this.setProject(this.tasks.get(child)!, project);
  }

  /** After `targetId` in the list; first when `reverse` without a target in the list. */
  private slot(list: number[], place: Record<string, unknown>): number {
    const target = place.targetId as number | undefined;
    const at = target === undefined ? -1 : list.indexOf(target);
    if (at >= 0) return at + 1;
    return place.reverse ? 0 : list.length;
  }

  private remove(id: number): void {
    const task = this.tasks.get(id);
    if (!task) return;
    for (const child of [...(this.lists.get(keyOf(null, id)) ?? [])]) this.remove(child);
    this.detach(task);
    this.tasks.delete(id);
  }

  private detach(task: ReplicaTask): void {
    const list = this.listOf(task.project, task.parent);
    const at = list.indexOf(task.id);
    if (at >= 0) list.splice(at, 1);
  }

  private listOf(project: number | null, parent: number | null): number[] {
    const key = keyOf(project, parent);
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = []));
    return list;
  }
}

function keyOf(project: number | null, parent: number | null): string {
  return parent === null ? `p${project ?? 0}` : `t${parent}`;
}

/** GET /todo/api/v1 as the widget's RemoteEvents does, then its socket. */
export async function openLive(t: TestApp, baseUrl: string, account: TestAccount): Promise<LiveClient> {
  const res = await t.inject({
    method: 'GET',
    url: '/todo/api/v1',
    headers: { 'remote-token': account.token },
  });
  expect(res.statusCode).toBe(200);
  return LiveClient.open(baseUrl, (res.json() as { key: string }).key);
}

import type { ReadRevisions, TaskTreeReader } from '../../../tasks/read/task-tree-reader.service';
import type { LiveMessage } from './live-bus';
import { eventsOf, LiveEvent, tasksToRead } from './live-events';
import { LiveOutline } from './live-outline';

export interface AccountStreamOutput {
  events(message: LiveMessage, events: LiveEvent[]): void;
  /** Events were missed: the account's sockets must reload. */
  resync(): void;
  failed(error: Error): void;
}

type Order = 'old' | 'next' | 'later';

/**
 * One account's changes in commit order. Each write of a project advances that project's
 * revisions by one (`s<key>` when it moves tasks, `c<key>` when it changes fields), so a change
 * is next when none of its revisions is more than one past the last applied; one that comes
 * early waits up to `reorderMs` for those before it, after which the stream reloads its outline
 * and tells its sockets to reload (a gap: an event was lost). Changes apply one at a time.
 */
export class AccountStream {
  private outline: LiveOutline | null = null;
  private revisions: ReadRevisions = new Map();
  private readonly pending: LiveMessage[] = [];
  private loading: Promise<void>;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly accountId: number,
    private readonly reader: TaskTreeReader,
    private readonly reorderMs: number,
    private readonly output: AccountStreamOutput,
  ) {
    this.loading = this.load();
  }

  /** Resolves once the outline is loaded: events after that are in step with it. */
  ready(): Promise<void> {
    return this.loading;
  }

  receive(message: LiveMessage): void {
    if (this.stopped) return;
    this.pending.push(message);
    void this.drain();
  }

  /** Reload the outline and tell the sockets to reload. */
  resync(): void {
    if (this.stopped) return;
    this.loading = this.load().then(() => this.output.resync());
    void this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.pending.length = 0;
    if (this.timer) clearTimeout(this.timer);
  }

  private async load(): Promise<void> {
    const snapshot = await this.reader.readTree(this.accountId, undefined, {
      current: () => true,
      known: () => true,
    });
    this.outline = new LiveOutline(snapshot.outline);
    this.revisions = snapshot.revisions;
  }

  private orderOf(message: LiveMessage): Order {
    let next = false;
    for (const [key, revision] of message.change.revisions) {
      const current = this.revisions.get(key) ?? 0;
      if (revision > current + 1) return 'later';
      if (revision === current + 1) next = true;
    }
    return next || message.change.revisions.size === 0 ? 'next' : 'old';
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.loading;
      for (;;) {
        if (this.stopped) return;
        const at = this.pending.findIndex((m) => this.orderOf(m) !== 'later');
        if (at < 0) break;
        const [message] = this.pending.splice(at, 1);
        if (this.orderOf(message) === 'next') await this.apply(message);
      }
      this.watchGap();
    } catch (error) {
      this.output.failed(error as Error);
      this.resyncLater();
    } finally {
      this.running = false;
    }
  }

  private async apply(message: LiveMessage): Promise<void> {
    const { change } = message;
    if (change.kind === 'bulk-inserted') {
      // Too many new tasks to tell one by one: the outline is read again, the sockets reload.
      await this.load();
      if (!this.stopped) this.output.resync();
      return;
    }
    for (const [key, revision] of change.revisions) {
      if (revision > (this.revisions.get(key) ?? 0)) this.revisions.set(key, revision);
    }
    if (!this.outline!.apply(change)) {
      // The outline is not the one the write started from: read it again, the sockets reload.
      await this.load();
      if (!this.stopped) this.output.resync();
      return;
    }
    const read = await this.reader.readTasks(this.accountId, tasksToRead(change));
    if (this.stopped) return;
    this.output.events(message, eventsOf(change, this.outline!, read));
  }

  /** Changes still waiting for an earlier one: give it reorderMs, then resync. */
  private watchGap(): void {
    if (this.pending.length === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.pending.length === 0 || this.stopped) return;
      this.pending.length = 0;
      this.resync();
    }, this.reorderMs);
    this.timer.unref();
  }

  private resyncLater(): void {
    setTimeout(() => this.resync(), Math.max(this.reorderMs, 100)).unref();
  }
}

import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { PeopleService } from './people.service';
import { ProjectsService } from './projects.service';
import { emptyContent, TaskContent } from './task-content';
import { TasksService } from './tasks.service';

interface DemoTask {
  text: string;
  checked?: boolean;
  assigned?: number[];
  dueInDays?: number;
  priority?: number;
  children?: DemoTask[];
}

export interface DemoSummary {
  projects: number;
  users: number;
  tasks: number;
}

/**
 * A small demo data set for `npm run seed:demo`: two projects, three users, tags and a few nested
 * tasks. It only adds rows (the reference backends wipe the database at start; this never runs
 * unless asked).
 */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly tasks: TasksService,
    private readonly projects: ProjectsService,
    private readonly people: PeopleService,
    private readonly clock: Clock,
  ) {}

  async seed(accountId: number): Promise<DemoSummary> {
    const ann = await this.people.createPerson(accountId, {
      label: 'Ann Lee',
      avatar: null,
      color: '#e05b5b',
    });
    const bo = await this.people.createPerson(accountId, {
      label: 'Bo Chen',
      avatar: null,
      color: '#0ab169',
    });
    const cy = await this.people.createPerson(accountId, {
      label: 'Cy Park',
      avatar: null,
      color: '#5b7be0',
    });
    await this.people.replaceTags(accountId, ['urgent', 'later', 'home']);
    const home = await this.projects.createProject(accountId, 'Home 🏠');
    const trip = await this.projects.createProject(accountId, 'Trip to Lisbon ✈️');

    let count = 0;
    count += await this.add(accountId, null, [
      { text: 'Welcome! Press Tab to indent a task #later', children: [{ text: 'Shift+Tab unindents it' }] },
      { text: 'Copy a task with Ctrl+C and paste it with Ctrl+V', checked: true },
    ]);
    count += await this.add(accountId, home, [
      {
        text: 'Renew passport #urgent',
        assigned: [ann],
        dueInDays: 14,
        priority: 1,
        children: [{ text: 'Book an appointment' }, { text: 'Take photos', checked: true }],
      },
      { text: 'Fix the kitchen tap #home', assigned: [bo, cy], priority: 2 },
      { text: 'Water the plants', priority: 3 },
    ]);
    count += await this.add(accountId, trip, [
      {
        text: 'Book flights',
        assigned: [cy],
        dueInDays: 30,
        children: [{ text: 'Compare prices', children: [{ text: 'Check luggage fees' }] }],
      },
      { text: 'Find a hotel near Alfama', assigned: [ann, bo] },
    ]);
    return { projects: 2, users: 3, tasks: count };
  }

  private async add(accountId: number, projectId: number | null, specs: DemoTask[]): Promise<number> {
    const nodes: Array<{ key: string; parentKey: string | null; content: TaskContent }> = [];
    const now = this.clock.now().getTime();
    const walk = (list: DemoTask[], parentKey: string | null) => {
      for (const spec of list) {
        const key = String(nodes.length);
        nodes.push({
          key,
          parentKey,
          content: {
            ...emptyContent(),
            text: spec.text,
            checked: spec.checked ?? false,
            assigned: spec.assigned ?? [],
            dueDate: spec.dueInDays === undefined ? null : new Date(now + spec.dueInDays * 86_400_000),
            priority: spec.priority ?? null,
          },
        });
        walk(spec.children ?? [], key);
      }
    };
    walk(specs, null);
    await this.tasks.cloneTasks(accountId, nodes, { kind: 'list', parentId: null, projectId, at: 'end' });
    return nodes.length;
  }
}

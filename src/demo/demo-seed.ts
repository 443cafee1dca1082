import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { OperationsService } from '../operations/operations.service';
import { CrowdProjectsService } from '../pools/crowd-projects.service';
import { POOL_CLONE, PoolFields, PoolsService } from '../pools/pools.service';
import { COPY_FLAG_NAMES, CopyFlags, TaskCopyService } from '../tasks/copy/task-copy.service';
import { CUSTOM_FIELD_TYPE, DEPENDENCY_TYPE, STATUS_CATEGORY } from '../tasks/details/task-details.entities';
import { AttachmentContentService } from '../tasks/details/attachment-content.service';
import { TaskDetailsService } from '../tasks/details/task-details.service';
import { TaskRecordInput, TaskRecordsService } from '../tasks/details/task-records.service';
import { PeopleService } from '../tasks/store/people.service';
import { ProjectsService } from '../tasks/store/projects.service';
import { emptyFields, TaskFields, TasksService } from '../tasks/store/tasks.service';
import { demoOperationId, DemoIds } from './demo-ids';

interface DemoTask {
  /** Names the task in the returned ids. */
  role?: keyof DemoIds['todo']['tasks'];
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
  pools: number;
  ids: DemoIds;
}

const DAY_MS = 86_400_000;

/**
 * The demo data of `npm run seed:demo`, for all three faces: To Do projects, users, tags and task
 * trees; a v2 workflow with statuses, task lists, memberships, a custom field, and a checklist task
 * with subtasks, todos, comments, an attachment, dependencies and a template made from it; v1
 * projects with pools in each status and a pool clone. It only adds rows, and never runs unless
 * asked. The order of the writes decides the ids, which the Swagger examples name (DEMO).
 */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly tasks: TasksService,
    private readonly projects: ProjectsService,
    private readonly people: PeopleService,
    private readonly details: TaskDetailsService,
    private readonly contents: AttachmentContentService,
    private readonly taskWrites: TaskRecordsService,
    private readonly copies: TaskCopyService,
    private readonly crowdProjects: CrowdProjectsService,
    private readonly pools: PoolsService,
    private readonly operations: OperationsService,
  ) {}

  seed(accountId: number): Promise<DemoSummary> {
    // The examples name the ids: they must follow the order of the writes, whatever the dialect.
    return this.tasks.inIdOrder(() => this.seedInOrder(accountId));
  }

  private async seedInOrder(accountId: number): Promise<DemoSummary> {
    const todo = await this.seedTodo(accountId);
    const v2 = await this.seedTaskDetails(accountId, todo.users);
    const v1 = await this.seedPools(accountId);
    const tasks = await this.db.read(
      (m) =>
        m.query('SELECT COUNT(*) AS n FROM tasks WHERE account_id = ?', [accountId]) as Promise<
          [{ n: number }]
        >,
    );
    return {
      projects: 3,
      users: 4,
      tasks: Number(tasks[0].n),
      pools: 3,
      ids: { accountId, todo, v2, v1 },
    };
  }

  private async seedTodo(accountId: number): Promise<DemoIds['todo']> {
    const person = (label: string, color: string) => {
      const [firstName, lastName] = label.split(' ');
      return this.people.create(accountId, { firstName, lastName, color });
    };
    const users = {
      ann: await person('Ann Lee', '#e05b5b'),
      bo: await person('Bo Chen', '#0ab169'),
      cy: await person('Cy Park', '#5b7be0'),
      dee: await person('Dee Ortiz', '#e0a35b'),
    };
    await this.people.replaceTags(accountId, ['urgent', 'later', 'home']);
    const projects = {
      home: await this.projects.create(accountId, { name: 'Home 🏠' }),
      trip: await this.projects.create(accountId, { name: 'Trip to Lisbon ✈️' }),
    };

    const tasks: Partial<DemoIds['todo']['tasks']> = {};
    await this.addTodo(accountId, null, tasks, [
      { text: 'Welcome! Press Tab to indent a task #later', children: [{ text: 'Shift+Tab unindents it' }] },
      { text: 'Copy a task with Ctrl+C and paste it with Ctrl+V', checked: true },
    ]);
    await this.addTodo(accountId, projects.trip, tasks, [
      {
        role: 'bookFlights',
        text: 'Book flights',
        assigned: [users.cy],
        dueInDays: 30,
        children: [
          { role: 'comparePrices', text: 'Compare prices', children: [{ text: 'Check luggage fees' }] },
        ],
      },
      { role: 'findHotel', text: 'Find a hotel near Alfama', assigned: [users.ann, users.bo] },
      {
        role: 'planDays',
        text: 'Plan the days',
        children: [
          { role: 'dayOne', text: 'Day 1: Belém' },
          { role: 'dayTwo', text: 'Day 2: Sintra' },
        ],
      },
    ]);
    await this.addTodo(accountId, projects.home, tasks, [
      {
        role: 'renewPassport',
        text: 'Renew passport #urgent',
        assigned: [users.ann],
        dueInDays: 14,
        priority: 1,
        children: [
          { role: 'bookAppointment', text: 'Book an appointment' },
          { role: 'takePhotos', text: 'Take photos', checked: true },
        ],
      },
      { role: 'fixTap', text: 'Fix the kitchen tap #home', assigned: [users.bo, users.cy], priority: 2 },
      { role: 'waterPlants', text: 'Water the plants', priority: 3 },
      { role: 'clearGarage', text: 'Clear out the garage #later', children: [{ text: 'Sort the tools' }] },
      { role: 'payBills', text: 'Pay the bills #home', assigned: [users.dee] },
    ]);
    return { projects, users, tasks: tasks as DemoIds['todo']['tasks'] };
  }

  private async addTodo(
    accountId: number,
    projectId: number | null,
    ids: Partial<DemoIds['todo']['tasks']>,
    specs: DemoTask[],
  ): Promise<void> {
    const nodes: Array<{ key: string; parentKey: string | null; fields: TaskFields }> = [];
    const roles = new Map<string, keyof DemoIds['todo']['tasks']>();
    const now = this.clock.now().getTime();
    const walk = (list: DemoTask[], parentKey: string | null) => {
      for (const spec of list) {
        const key = String(nodes.length);
        if (spec.role) roles.set(key, spec.role);
        nodes.push({
          key,
          parentKey,
          fields: {
            ...emptyFields(),
            title: spec.text,
            closed: spec.checked ?? false,
            assigned: spec.assigned ?? [],
            dueAt: spec.dueInDays === undefined ? null : new Date(now + spec.dueInDays * DAY_MS),
            priority: spec.priority ?? null,
          },
        });
        walk(spec.children ?? [], key);
      }
    };
    walk(specs, null);
    const created = await this.tasks.cloneTasks(accountId, nodes, {
      kind: 'list',
      parentId: null,
      projectId,
      at: 'end',
    });
    for (const [key, role] of roles) ids[role] = created.get(key)!;
  }

  // eslint-disable-next-line max-lines-per-function -- one linear script: each object needs the ids made before it
  private async seedTaskDetails(accountId: number, users: DemoIds['todo']['users']): Promise<DemoIds['v2']> {
    const create = this.details.create.bind(this.details);
    const delivery = await create('workflows', accountId, { name: 'Delivery' });
    const support = await create('workflows', accountId, { name: 'Support tickets' });
    const status = (name: string, categoryId: number, position: number) =>
      create('workflow_statuses', accountId, { workflowId: delivery.id, name, categoryId, position });
    const toDo = await status('To do', STATUS_CATEGORY.notStarted, 1);
    const inProgress = await status('In progress', STATUS_CATEGORY.started, 2);
    const done = await status('Done', STATUS_CATEGORY.closed, 3);
    const tier = await create('custom_fields', accountId, {
      name: 'Customer tier',
      customizableType: 'tasks',
      dataTypeId: CUSTOM_FIELD_TYPE.select,
      options: JSON.stringify(['Gold', 'Silver', 'Bronze'].map((value, i) => ({ id: i + 1, value }))),
    });
    const project = await this.projects.create(accountId, {
      name: 'Client onboarding',
      workflowId: delivery.id,
    });
    const list = (name: string, position: number) =>
      create('task_lists', accountId, { projectId: project, name, position });
    const templates = await list('Templates', 1);
    const acme = await list('Acme', 2);
    const someday = await list('Someday', 3);
    const member = (personId: number) => create('memberships', accountId, { projectId: project, personId });
    const memberships = { ann: (await member(users.ann)).id, bo: (await member(users.bo)).id };

    const today = this.clock.now().getTime();
    const date = (days: number) => new Date(today + days * DAY_MS).toISOString().slice(0, 10);
    const base = { projectId: project, taskListId: templates.id, workflowStatusId: toDo.id };
    const task = async (input: TaskRecordInput) => (await this.taskWrites.create(accountId, [input]))[0];
    const checklist = await task({
      ...base,
      title: 'Onboarding checklist',
      description: '<p>Everything a new client needs in the first week.</p>',
      assigneeId: users.ann,
      subscriberIds: [users.ann, users.bo],
      tagList: ['onboarding'],
      startDate: date(7),
      dueDate: date(14),
      dueTime: '17:00',
      initialEstimate: 240,
      customFields: { [tier.id]: '1' },
    });
    const welcomePack = await task({
      ...base,
      title: 'Send the welcome pack',
      parentTaskId: checklist,
      assigneeId: users.bo,
    });
    const welcomeLetter = await task({
      ...base,
      title: 'Print the welcome letter',
      parentTaskId: welcomePack,
    });
    const kickOff = await task({
      ...base,
      title: 'Kick-off call',
      parentTaskId: checklist,
      dueDate: date(8),
    });
    const accounts = await task({
      ...base,
      title: 'Set up accounts',
      parentTaskId: checklist,
      workflowStatusId: done.id,
    });

    const todo = (taskId: number, description: string, position: number, closed = false) =>
      create('todos', accountId, {
        taskId,
        description,
        position,
        closedAt: closed ? this.clock.now() : null,
      });
    const todos = {
      contract: (await todo(checklist, 'Check the contract', 1)).id,
      billing: (await todo(checklist, 'Collect billing details', 2, true)).id,
      mug: (await todo(welcomePack, 'Order the mug', 1)).id,
    };
    const comment = await create('comments', accountId, {
      taskId: checklist,
      body: '<p>Use the client’s logo in the welcome pack.</p>',
      creatorId: users.ann,
    });
    await create('comments', accountId, { taskId: kickOff, body: '<p>Thirty minutes is enough.</p>' });
    const attachment = await create('attachments', accountId, {
      taskId: checklist,
      name: 'welcome-letter.txt',
      contentType: 'text/plain',
    });
    await this.contents.put(
      accountId,
      attachment.id,
      Buffer.from('Welcome aboard! Here is how your first week with us will go.\n'),
    );
    const blocks = (taskId: number, dependentTaskId: number) =>
      create('task_dependencies', accountId, { taskId, dependentTaskId, typeId: DEPENDENCY_TYPE.blocking });
    const dependency = await blocks(welcomePack, kickOff);
    await blocks(kickOff, accounts);

    const flags = Object.fromEntries(COPY_FLAG_NAMES.map((name) => [name, true])) as unknown as CopyFlags;
    const copy = await this.copies.copy(accountId, {
      title: 'Onboarding checklist (template)',
      templateId: checklist,
      projectId: project,
      taskListId: templates.id,
      workflowStatusId: toDo.id,
      private: false,
      parentTaskId: null,
      templateDescription: 'The checklist every new client starts from',
      flags: { ...flags, copy_task_dependencies: false },
    });

    return {
      workflows: { delivery: delivery.id, support: support.id },
      statuses: { toDo: toDo.id, inProgress: inProgress.id, done: done.id },
      customField: tier.id,
      project,
      taskLists: { templates: templates.id, acme: acme.id, someday: someday.id },
      memberships,
      tasks: { checklist, welcomePack, welcomeLetter, kickOff, accounts },
      todos,
      comment: comment.id,
      attachment: attachment.id,
      dependency: dependency.id,
      template: copy.templateId!,
    };
  }

  private async seedPools(accountId: number): Promise<DemoIds['v1']> {
    const project = (publicName: string, description: string) =>
      this.crowdProjects.createProject(accountId, {
        assignments_issuing_type: 'AUTOMATED',
        public_name: publicName,
        public_description: description,
        public_instructions: `<p>${description}.</p>`,
        task_spec: {
          input_spec: { image: { type: 'url', required: true } },
          output_spec: { label: { type: 'string', required: true } },
        },
      });
    const pool = (projectId: string, privateName: string): Promise<{ id: string }> =>
      this.pools.createPool(accountId, projectId, {
        ...POOL_DEFAULTS,
        private_name: privateName,
        public_description: 'Find the sidewalk in each photo',
      });
    const sidewalks = await project('Find sidewalks', 'Look at the photo and outline the sidewalk');
    const closed = await pool(sidewalks.id, 'Sidewalk photos, batch 7');
    const open = await pool(sidewalks.id, 'Sidewalk photos, batch 6');
    await this.pools.act(accountId, open.id, 'open');
    const signs = await project('Read street signs', 'Type the name on the street sign');
    const archived = await pool(signs.id, 'Street signs, pilot');
    await this.pools.act(accountId, archived.id, 'archive');
    // The clone is queued as the pool clone route queues it, under an id the docs can name; the job
    // service of a running instance makes the copy.
    const operation = await this.db.transaction((m) =>
      this.operations.enqueue(m, {
        id: demoOperationId(accountId, closed.id),
        accountId,
        type: POOL_CLONE,
        parameters: { pool_id: closed.id },
      }),
    );
    return {
      projects: { sidewalks: Number(sidewalks.id), signs: Number(signs.id) },
      pools: { closed: Number(closed.id), open: Number(open.id), archived: Number(archived.id) },
      operation: operation.id,
    };
  }
}

const POOL_DEFAULTS: PoolFields = {
  may_contain_adult_content: false,
  will_expire: '2031-01-01T00:00:00.000',
  reward_per_assignment: 0.05,
  assignment_max_duration_seconds: 600,
  defaults: { default_overlap_for_new_task_suites: 3 },
  auto_accept_solutions: true,
  auto_close_after_complete_delay_seconds: 0,
  priority: 0,
};

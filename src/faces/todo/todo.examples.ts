import { DEMO } from '../../demo/demo-ids';

// Examples of the To Do face's Swagger document. Request examples name the objects of the demo
// data (`npm run seed:demo` on a fresh database), so that each runs unchanged with "Try it out".

const { projects, users, tasks } = DEMO.todo;

export const TASK_EXAMPLE = {
  id: tasks.renewPassport,
  text: 'Renew passport #urgent',
  checked: false,
  collapsed: false,
  parent: null,
  project: projects.home,
  assigned: [users.ann],
  due_date: '2031-05-01T00:00:00.000Z',
  creation_date: '2030-11-02T08:15:00.000Z',
  completion_date: null,
  edited_date: null,
  priority: 1,
};

/** Path ids: a project, and a task with a parent and a previous sibling (so every move applies). */
export const PROJECT_ID_EXAMPLE = String(projects.home);
export const TASK_ID_EXAMPLE = String(tasks.renewPassport);
export const MOVED_TASK_ID_EXAMPLE = String(tasks.takePhotos);
export const DELETED_TASK_ID_EXAMPLE = String(tasks.clearGarage);
export const USER_ID_EXAMPLE = String(users.cy);
export const RENAMED_PROJECT_ID_EXAMPLE = String(projects.trip);

export const CREATE_EXAMPLES = {
  nested: {
    summary: 'Fields under `task`: after a subtask',
    value: {
      targetId: tasks.bookAppointment,
      parent: tasks.renewPassport,
      project: projects.home,
      task: { text: 'Pay the fee', assigned: [users.ann] },
    },
  },
  flat: {
    summary: 'Flat fields, a temporary id: top of No project',
    value: { id: 'temp://1700000000123', parent: null, text: 'Call mom' },
  },
  subtask: {
    summary: 'Last child of a task',
    value: {
      targetId: tasks.renewPassport,
      parent: tasks.renewPassport,
      task: { text: 'Check the photo rules' },
    },
  },
};

export const UPDATE_EXAMPLES = {
  batch: {
    summary: 'The task, and another in `batch`',
    value: {
      text: 'Renew passport #urgent',
      checked: true,
      completion_date: '2030-12-01T10:00:00.000Z',
      assigned: [users.ann],
      batch: [
        {
          id: tasks.bookAppointment,
          text: 'Book an appointment',
          checked: true,
          completion_date: '2030-12-01T10:00:00.000Z',
        },
      ],
    },
  },
};

export const DELETE_EXAMPLE = { batch: [tasks.waterPlants] };
export const DELETE_BATCH_EXAMPLE = { batch: [tasks.waterPlants, tasks.clearGarage] };

// Each applies to the task of MOVED_TASK_ID_EXAMPLE, a child of "Renew passport" after "Book an
// appointment".
export const MOVE_EXAMPLES = {
  plain: {
    summary: 'After another task',
    value: { targetId: tasks.fixTap, parent: null },
  },
  batch: {
    summary: 'Several tasks at once (the widget sends the id 0; another id moves only that task)',
    value: {
      targetId: tasks.fixTap,
      reverse: true,
      parent: null,
      batch: [tasks.takePhotos, tasks.waterPlants],
    },
  },
  indent: {
    summary: 'Indent under the previous sibling',
    value: { operation: 'indent', parent: tasks.bookAppointment, targetId: tasks.bookAppointment },
  },
  unindent: { summary: 'Unindent', value: { operation: 'unindent', parent: null } },
  opbatch: {
    summary: 'Several indents and unindents in one request (any id)',
    value: {
      opbatch: [
        { id: tasks.dayOne, operation: 'unindent', parent: null },
        { id: tasks.dayTwo, operation: 'unindent', parent: null },
      ],
    },
  },
  project: { summary: 'To another project', value: { operation: 'project', project: projects.trip } },
};

/**
 * What the widget itself sends when three tasks are pasted after task 18 of project 1, one of them
 * nested, assigned to user 4: the demo data has all three.
 */
export const WIDGET_PASTE_BODY = {
  parent: null,
  targetId: 18,
  batch: [
    {
      text: 'If you press Tab, this task will become a subtask. To edit it, press Ctrl (Cmd) + Enter.',
      checked: false,
      due_date: '2022-10-07T21:00:00Z',
      creation_date: '2022-10-31T11:20:04.171Z',
      project: 1,
      assigned: [4],
      id: 'temp://1667215197027',
      parent: null,
    },
    {
      text: 'You can create tasks with an infinite number of subtasks.',
      checked: false,
      creation_date: '2022-10-31T11:20:04.173Z',
      project: 1,
      assigned: [4],
      id: 'temp://1667215197028',
      parent: null,
    },
    {
      text: 'Use the Tab and Shift + Tab keys for this.',
      checked: false,
      creation_date: '2022-10-31T11:20:04.174Z',
      parent: 'temp://1667215197028',
      project: 1,
      id: 'temp://1667215197029',
    },
  ],
};

/** What POST /todo/clone answers to WIDGET_PASTE_BODY: by client id, and by batch position. */
export const WIDGET_PASTE_ANSWER = {
  '0': 62,
  '1': 63,
  '2': 65,
  'temp://1667215197027': 62,
  'temp://1667215197028': 63,
  'temp://1667215197029': 65,
};

/** Items in any order: a `parent` naming another item nests under its copy; any other is a root. */
export const NESTED_CLONE_BODY = {
  targetId: tasks.comparePrices,
  parent: tasks.bookFlights,
  batch: [
    {
      id: 'temp://1700000000101',
      parent: tasks.bookFlights,
      text: 'Choose seats',
      project: projects.trip,
      assigned: [users.bo],
    },
    {
      id: 'temp://1700000000103',
      parent: 'temp://1700000000102',
      text: 'Ask for extra legroom',
      project: projects.trip,
    },
    {
      id: 'temp://1700000000102',
      parent: 'temp://1700000000101',
      text: 'Check the seat map',
      project: projects.trip,
    },
    {
      id: 'temp://1700000000104',
      parent: tasks.bookFlights,
      text: 'Check in online',
      project: projects.trip,
    },
  ],
};

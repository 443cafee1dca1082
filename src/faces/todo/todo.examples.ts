// Request and response examples of the To Do face's Swagger document (todolist-rest.md §5).

export const TASK_EXAMPLE = {
  id: 17,
  text: 'Renew passport #admin',
  checked: false,
  collapsed: false,
  parent: 9,
  project: 2,
  assigned: [3, 1],
  due_date: '2031-05-01T00:00:00.000Z',
  creation_date: '2030-11-02T08:15:00.000Z',
  completion_date: null,
  edited_date: null,
  priority: 2,
};

/** Seed 001 (shared/seeds/001_c30db29eea167aa7.txt), verbatim. */
export const SEED_001_CLONE_BODY = {
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

/** What POST /todo/clone answers to SEED_001_CLONE_BODY: by client id, and by batch position. */
export const SEED_001_CLONE_ANSWER = {
  '0': 62,
  '1': 63,
  '2': 65,
  'temp://1667215197027': 62,
  'temp://1667215197028': 63,
  'temp://1667215197029': 65,
};

export const SPEC_CLONE_BODY = {
  targetId: 40,
  parent: 12,
  batch: [
    { id: 'temp://1700000000101', parent: 12, text: 'Book venue', project: 3, assigned: [2] },
    { id: 'temp://1700000000103', parent: 'temp://1700000000102', text: 'Call three venues', project: 3 },
    { id: 'temp://1700000000102', parent: 'temp://1700000000101', text: 'Compare prices', project: 3 },
    { id: 'temp://1700000000104', parent: 7, text: 'Send invitations', project: 3 },
  ],
};

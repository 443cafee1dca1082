import { DEMO } from '../../demo/demo-ids';

// Request examples of the v1 face's Swagger document. They name the objects of the demo data
// (`npm run seed:demo` on a fresh database), so that each runs unchanged with "Try it out".

const { projects, pools } = DEMO.v1;

/** A project with pools (get, replace) and one whose pools are all archived (archive). */
export const PROJECT_ID_EXAMPLE = String(projects.sidewalks);
export const ARCHIVABLE_PROJECT_ID_EXAMPLE = String(projects.signs);
/** A CLOSED pool (get, replace, patch, open, archive, clone) and an OPEN one (close). */
export const POOL_ID_EXAMPLE = String(pools.closed);
export const OPEN_POOL_ID_EXAMPLE = String(pools.open);
export const OPERATION_ID_EXAMPLE = DEMO.v1.operation;

export const TASK_SPEC_EXAMPLE = {
  input_spec: { image: { type: 'url', required: true } },
  output_spec: { label: { type: 'string', required: true } },
  view_spec: { type: 'tb', config: {} },
};

export const PROJECT_FORM_EXAMPLE = {
  public_name: 'Find sidewalks',
  public_description: 'Look at the photo and outline the sidewalk',
  public_instructions: '<p>Outline every sidewalk.</p>',
  private_comment: 'Pilot for the city map',
  task_spec: TASK_SPEC_EXAMPLE,
  assignments_issuing_type: 'AUTOMATED',
  assignments_automerge_enabled: false,
  max_active_assignments_count: 10,
  quality_control: { configs: [] },
  localization_config: { default_language: 'EN', additional_languages: [] },
  metadata: { team: ['maps'] },
};

export const PROJECT_REPLACE_EXAMPLE = {
  ...PROJECT_FORM_EXAMPLE,
  public_description: 'Look at the photo and outline every sidewalk you see',
};

export const POOL_FORM_EXAMPLE = {
  project_id: PROJECT_ID_EXAMPLE,
  private_name: 'Sidewalk photos, batch 8',
  private_comment: 'Second run after the instructions fix',
  public_description: 'Find the sidewalk in each photo',
  public_instructions: '<p>Outline every sidewalk.</p>',
  may_contain_adult_content: false,
  will_expire: '2031-01-01T00:00:00.000',
  reward_per_assignment: 0.05,
  assignment_max_duration_seconds: 600,
  defaults: { default_overlap_for_new_task_suites: 3, default_overlap_for_new_tasks: 3 },
  auto_accept_solutions: true,
  auto_accept_period_day: 7,
  auto_close_after_complete_delay_seconds: 0,
  assignments_issuing_config: { issue_task_suites_in_creation_order: true },
  priority: 10,
  filter: { and: [{ or: [{ category: 'profile', key: 'country', operator: 'EQ', value: 'NL' }] }] },
  mixer_config: { real_tasks_count: 10, golden_tasks_count: 0, training_tasks_count: 0 },
  metadata: { team: ['maps'] },
};

export const POOL_REPLACE_EXAMPLE = {
  ...POOL_FORM_EXAMPLE,
  private_name: 'Sidewalk photos, batch 7',
  reward_per_assignment: 0.06,
};

/** The demo data's operation: a finished clone. */
export const CLONE_OPERATION_EXAMPLE = {
  id: DEMO.v1.operation,
  type: 'POOL.CLONE',
  status: 'SUCCESS',
  submitted: '2016-04-07T16:06:15.902',
  started: '2016-04-07T16:06:15.902',
  finished: '2016-04-07T16:06:15.902',
  progress: 100,
  parameters: { pool_id: '1' },
  details: { pool_id: '4' },
};

export const PENDING_CLONE_EXAMPLE = {
  id: DEMO.v1.operation,
  type: 'POOL.CLONE',
  status: 'PENDING',
  submitted: '2016-04-07T16:06:15.902',
  progress: 0,
  parameters: { pool_id: '1' },
};

import type { TestAccount, TestApp } from '../support/test-app';
import { CrowdProject, CrowdProjectStatus } from '../../src/pools/crowd-project.entity';
import { Pool, PoolStatus } from '../../src/pools/pool.entity';

/** A v1 project body as toloka-kit sends it. */
export function projectBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    public_name: 'Find sidewalks',
    public_description: 'Outline the sidewalk in each photo',
    task_spec: {
      input_spec: { image: { type: 'url', required: true, hidden: false } },
      output_spec: { label: { type: 'string', required: true } },
      view_spec: { type: 'classic', markup: '{{img src=image}}', script: '', styles: '' },
    },
    assignments_issuing_type: 'AUTOMATED',
    ...overrides,
  };
}

/** A pool body with only the required fields. */
export function poolBody(
  projectId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    project_id: projectId,
    private_name: 'Batch 1',
    will_expire: '2030-01-01T00:00:00',
    reward_per_assignment: 0.05,
    assignment_max_duration_seconds: 600,
    defaults: { default_overlap_for_new_task_suites: 1 },
    ...overrides,
  };
}

/** Every writable field, every nested config set (the round-trip fixture). */
export function fullPoolBody(projectId: string): Record<string, unknown> {
  return poolBody(projectId, {
    private_name: 'Full pool',
    private_comment: 'every field set',
    public_description: 'Public description',
    public_instructions: '<p>Do it well</p>',
    may_contain_adult_content: true,
    will_expire: '2031-02-03T04:05:06.789',
    reward_per_assignment: 0.0125,
    assignment_max_duration_seconds: 3600,
    defaults: { default_overlap_for_new_task_suites: 3, default_overlap_for_new_tasks: 2 },
    auto_accept_solutions: false,
    auto_accept_period_day: 14,
    auto_close_after_complete_delay_seconds: 3600,
    assignments_issuing_config: { issue_task_suites_in_creation_order: true },
    priority: 42,
    filter: {
      and: [
        { or: [{ category: 'profile', key: 'languages', operator: 'IN', value: 'EN' }] },
        { or: [{ category: 'computed', key: 'client_type', operator: 'EQ', value: 'BROWSER' }] },
      ],
    },
    quality_control: {
      configs: [
        {
          collector_config: {
            type: 'CAPTCHA',
            parameters: { history_size: 5 },
            uuid: '0c7c3a0a-7ad0-4a0d-8bd3-9d6a1a4f0c11',
          },
          rules: [
            {
              conditions: [{ key: 'stored_results_count', operator: 'EQ', value: 5 }],
              action: { type: 'RESTRICTION', parameters: { scope: 'PROJECT', duration_days: 1 } },
            },
          ],
        },
      ],
      training_requirement: { training_pool_id: '5', training_passing_skill_value: 70 },
    },
    speed_quality_balance: { type: 'TOP_PERCENTAGE_BY_QUALITY', percent: 80 },
    dynamic_pricing_config: {
      type: 'SKILL',
      skill_id: '21',
      intervals: [{ from: 50, to: 79, reward_per_assignment: 0.05 }],
    },
    dynamic_overlap_config: {
      type: 'BASIC',
      max_overlap: 5,
      min_confidence: 0.95,
      answer_weight_skill_id: '42',
      fields: [{ name: 'label' }],
    },
    mixer_config: {
      real_tasks_count: 10,
      golden_tasks_count: 1,
      training_tasks_count: 0,
      min_golden_tasks_count: 1,
      force_last_assignment: false,
    },
    training_config: { training_skill_ttl_days: 5 },
    metadata: { team: ['maps', 'sidewalks'], owner: ['ann'] },
  });
}

export async function makeCrowdProject(
  t: TestApp,
  account: TestAccount,
  overrides: { status?: CrowdProjectStatus; fields?: Record<string, unknown> } = {},
): Promise<string> {
  const fields = { ...projectBody(), ...overrides.fields };
  return t.db.transaction(async (m) => {
    const result = await m.insert(CrowdProject, {
      accountId: account.id,
      status: overrides.status ?? 'ACTIVE',
      publicName: String(fields.public_name),
      privateComment: null,
      body: JSON.stringify(fields),
      createdAt: t.clock.now(),
    });
    return String(result.identifiers[0].id);
  });
}

export async function makePool(
  t: TestApp,
  account: TestAccount,
  overrides: { projectId?: string; status?: PoolStatus; fields?: Record<string, unknown> } = {},
): Promise<{ id: string; projectId: string }> {
  const projectId = overrides.projectId ?? (await makeCrowdProject(t, account));
  const { project_id: _, ...fields } = poolBody(projectId, overrides.fields);
  void _;
  const id = await t.db.transaction(async (m) => {
    const result = await m.insert(Pool, {
      accountId: account.id,
      projectId,
      status: overrides.status ?? 'CLOSED',
      body: JSON.stringify({
        may_contain_adult_content: false,
        auto_accept_solutions: true,
        auto_close_after_complete_delay_seconds: 0,
        priority: 0,
        ...fields,
      }),
      createdAt: t.clock.now(),
      lastStarted: null,
      lastStopped: null,
      lastCloseReason: null,
    });
    return String(result.identifiers[0].id);
  });
  return { id, projectId };
}

export async function countPools(t: TestApp, account: TestAccount): Promise<number> {
  return t.db.read((m) => m.count(Pool, { where: { accountId: account.id } }));
}

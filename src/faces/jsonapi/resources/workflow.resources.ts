import { DEMO } from '../../../demo/demo-ids';
import { toOne } from '../jsonapi-document';
import { defineResource, isoOrNull } from '../jsonapi-resource';
import { IdAttribute, IntAttribute, TextAttribute } from '../jsonapi.validators';

export class WorkflowAttributes {
  @TextAttribute(255, { required: true, example: 'Default workflow' })
  name: string;
}

export class WorkflowUpdateAttributes {
  @TextAttribute(255, { example: 'Default workflow' })
  name?: string;
}

export const workflowsResource = defineResource({
  kind: 'workflows',
  type: 'workflows',
  noun: 'workflow',
  createAttributes: WorkflowAttributes,
  updateAttributes: WorkflowUpdateAttributes,
  sorts: { name: 'name', created_at: 'createdAt' },
  toValues: (a: WorkflowUpdateAttributes) => ({ ...(a.name !== undefined ? { name: a.name.trim() } : {}) }),
  attributes: (w) => ({ name: w.name, created_at: isoOrNull(w.createdAt) }),
  relationships: () => ({}),
  examples: {
    create: { data: { type: 'workflows', attributes: { name: 'Default workflow' } } },
    update: { name: 'Delivery 2031' },
    id: DEMO.v2.workflows.delivery,
    // No project uses it, so it may go.
    deleteId: DEMO.v2.workflows.support,
  },
});

export class WorkflowStatusAttributes {
  @TextAttribute(255, { required: true, example: 'In progress' })
  name: string;

  @IntAttribute(1, 3, { required: true, description: '1 not started, 2 started, 3 closed', example: 2 })
  category_id: number;

  @IdAttribute({ required: true })
  workflow_id: number;

  @IntAttribute(0, 100000, { example: 1 })
  position?: number;

  @IntAttribute(0, 1000, { nullable: true, example: 3 })
  color_id?: number | null;
}

export class WorkflowStatusUpdateAttributes {
  @TextAttribute(255, { example: 'In progress' })
  name?: string;

  @IntAttribute(1, 3, { description: '1 not started, 2 started, 3 closed' })
  category_id?: number;

  @IntAttribute(0, 100000)
  position?: number;

  @IntAttribute(0, 1000, { nullable: true })
  color_id?: number | null;
}

export const workflowStatusesResource = defineResource({
  kind: 'workflow_statuses',
  type: 'workflow_statuses',
  noun: 'workflow status',
  createAttributes: WorkflowStatusAttributes,
  updateAttributes: WorkflowStatusUpdateAttributes,
  relationshipAttributes: { workflow: 'workflow_id' },
  filters: { workflow_id: { property: 'workflowId', ops: ['eq', 'not_eq'], value: 'int' } },
  sorts: { position: 'position', name: 'name' },
  toValues: (a: Partial<WorkflowStatusAttributes>) => ({
    ...(a.name !== undefined ? { name: a.name.trim() } : {}),
    ...(a.category_id !== undefined ? { categoryId: a.category_id } : {}),
    ...(a.workflow_id !== undefined ? { workflowId: a.workflow_id } : {}),
    ...(a.position !== undefined ? { position: a.position } : {}),
    ...(a.color_id !== undefined ? { colorId: a.color_id } : {}),
  }),
  attributes: (s) => ({
    name: s.name,
    category_id: s.categoryId,
    position: s.position,
    color_id: s.colorId,
    created_at: isoOrNull(s.createdAt),
  }),
  relationships: (s) => ({ workflow: toOne('workflows', s.workflowId) }),
  examples: {
    create: {
      data: {
        type: 'workflow_statuses',
        attributes: {
          name: 'In review',
          category_id: 2,
          workflow_id: DEMO.v2.workflows.delivery,
          position: 4,
        },
      },
    },
    update: { name: 'Not started', color_id: 3 },
    id: DEMO.v2.statuses.toDo,
    // No task has it, so it may go.
    deleteId: DEMO.v2.statuses.inProgress,
  },
});

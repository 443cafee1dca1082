import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, ValidateIf } from 'class-validator';
import { DEMO } from '../../../demo/demo-ids';
import { MaxChars } from '../../../common/max-chars';
import { toOne } from '../jsonapi-document';
import { defineResource, isoOrNull } from '../jsonapi-resource';
import { BooleanAttribute, IdAttribute, IntAttribute, TextAttribute } from '../jsonapi.validators';

export class TaskListAttributes {
  @TextAttribute(255, { required: true, example: 'Sprint 12' })
  name: string;

  @IdAttribute({ required: true })
  project_id: number;

  @IntAttribute(0, 100000, { example: 1 })
  position?: number;
}

export class TaskListUpdateAttributes {
  @TextAttribute(255, { example: 'Sprint 12' })
  name?: string;

  @IntAttribute(0, 100000)
  position?: number;

  @BooleanAttribute({ description: 'true archives the list (copies into it are refused), false restores it' })
  archived?: boolean;
}

export const taskListsResource = defineResource({
  kind: 'task_lists',
  type: 'task_lists',
  noun: 'task list',
  createAttributes: TaskListAttributes,
  updateAttributes: TaskListUpdateAttributes,
  relationshipAttributes: { project: 'project_id' },
  filters: { project_id: { property: 'projectId', ops: ['eq', 'not_eq'], value: 'int' } },
  sorts: { position: 'position', name: 'name' },
  toValues: (a: Partial<TaskListAttributes> & Partial<TaskListUpdateAttributes>, now: Date) => ({
    ...(a.name !== undefined ? { name: a.name.trim() } : {}),
    ...(a.project_id !== undefined ? { projectId: a.project_id } : {}),
    ...(a.position !== undefined ? { position: a.position } : {}),
    ...(a.archived !== undefined ? { archivedAt: a.archived ? now : null } : {}),
  }),
  attributes: (l) => ({
    name: l.name,
    position: l.position,
    placement: l.position,
    archived_at: isoOrNull(l.archivedAt),
    created_at: isoOrNull(l.createdAt),
  }),
  relationships: (l) => ({ project: toOne('projects', l.projectId) }),
  examples: {
    create: { data: { type: 'task_lists', attributes: { name: 'Sprint 12', project_id: DEMO.v2.project } } },
    update: { name: 'Checklists' },
    id: DEMO.v2.taskLists.templates,
    // Empty, so it may go.
    deleteId: DEMO.v2.taskLists.someday,
  },
});

export class MembershipAttributes {
  @IdAttribute({ required: true, example: DEMO.v2.project })
  project_id: number;

  @IdAttribute({ required: true, example: DEMO.todo.users.cy })
  person_id: number;
}

export const membershipsResource = defineResource({
  kind: 'memberships',
  type: 'memberships',
  noun: 'membership',
  createAttributes: MembershipAttributes,
  relationshipAttributes: { project: 'project_id', person: 'person_id' },
  filters: {
    project_id: { property: 'projectId', ops: ['eq'], value: 'int' },
    person_id: { property: 'personId', ops: ['eq'], value: 'int' },
  },
  toValues: (a: Partial<MembershipAttributes>) => ({ projectId: a.project_id, personId: a.person_id }),
  attributes: (m) => ({ created_at: isoOrNull(m.createdAt) }),
  relationships: (m) => ({ project: toOne('projects', m.projectId), person: toOne('people', m.personId) }),
  examples: {
    create: {
      data: {
        type: 'memberships',
        attributes: { project_id: DEMO.v2.project, person_id: DEMO.todo.users.cy },
      },
    },
    id: DEMO.v2.memberships.ann,
    deleteId: DEMO.v2.memberships.bo,
  },
});

export class CustomFieldAttributes {
  @TextAttribute(255, { required: true, example: 'Customer tier' })
  name: string;

  @ApiProperty({ enum: ['tasks'], example: 'tasks' })
  @IsIn(['tasks'])
  customizable_type: string;

  @IntAttribute(1, 6, {
    required: true,
    description: '1 text, 2 number, 3 select, 4 date, 5 person, 6 attachment',
    example: 3,
  })
  data_type_id: number;

  @ApiProperty({
    required: false,
    type: [String],
    example: ['Gold', 'Silver'],
    description: 'Options of a select field',
  })
  // Optional, not nullable: null is refused like any other non-array.
  @ValidateIf((_o, v) => v !== undefined)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxChars(255, { each: true })
  options?: string[];
}

export class CustomFieldUpdateAttributes {
  @TextAttribute(255, { example: 'Customer tier' })
  name?: string;

  @BooleanAttribute({ description: 'true archives the field: copies drop its values' })
  archived?: boolean;
}

interface StoredOption {
  id: number;
  value: string;
}

const parseOptions = (json: string | null): StoredOption[] =>
  json ? (JSON.parse(json) as StoredOption[]) : [];

export const customFieldsResource = defineResource({
  kind: 'custom_fields',
  type: 'custom_fields',
  noun: 'custom field',
  createAttributes: CustomFieldAttributes,
  updateAttributes: CustomFieldUpdateAttributes,
  filters: { customizable_type: { property: 'customizableType', ops: ['eq'], value: 'string' } },
  sorts: { name: 'name' },
  toValues: (a: Partial<CustomFieldAttributes> & Partial<CustomFieldUpdateAttributes>, now: Date) => ({
    ...(a.name !== undefined ? { name: a.name.trim() } : {}),
    ...(a.customizable_type !== undefined ? { customizableType: a.customizable_type } : {}),
    ...(a.data_type_id !== undefined ? { dataTypeId: a.data_type_id } : {}),
    ...(a.options !== undefined
      ? { options: JSON.stringify(a.options.map((value, i) => ({ id: i + 1, value }))) }
      : {}),
    ...(a.archived !== undefined ? { archivedAt: a.archived ? now : null } : {}),
  }),
  attributes: (f) => ({
    name: f.name,
    customizable_type: f.customizableType,
    data_type_id: f.dataTypeId,
    options: parseOptions(f.options),
    archived: f.archivedAt !== null,
    archived_at: isoOrNull(f.archivedAt),
    created_at: isoOrNull(f.createdAt),
  }),
  relationships: () => ({}),
  examples: {
    create: {
      data: {
        type: 'custom_fields',
        attributes: {
          name: 'Contract size',
          customizable_type: 'tasks',
          data_type_id: 3,
          options: ['Small', 'Large'],
        },
      },
    },
    update: { name: 'Client tier' },
    id: DEMO.v2.customField,
  },
});

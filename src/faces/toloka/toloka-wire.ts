import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OperationLogEntry } from '../../operations/operation.entity';
import type { OperationView } from '../../operations/operations.service';
import type { CrowdProjectView } from '../../pools/crowd-projects.service';
import type { PoolView } from '../../pools/pools.service';
import { DEMO } from '../../demo/demo-ids';
import { PoolForm } from './toloka-pools.dto';
import { ProjectForm } from './toloka-projects.dto';
import { formatTolokaDate } from './toloka-time';

// What the v1 face answers (pools-and-operations.md §6.2, §7.2, §9.1): optional fields that were
// never set are omitted, never null; dates through formatTolokaDate; ids as strings.

export class OwnerView {
  @ApiProperty({ example: '1' })
  id: string;

  @ApiProperty({ example: true, description: 'The owner is the calling account' })
  myself: boolean;
}

export class OperationWire {
  @ApiProperty({ example: '7ea08f99-5e24-47b4-b61f-c177a868d801' })
  id: string;

  @ApiProperty({
    example: 'POOL.CLONE',
    description: 'POOL.OPEN, POOL.CLOSE, POOL.ARCHIVE, POOL.CLONE, PROJECT.ARCHIVE, …',
  })
  type: string;

  @ApiProperty({ enum: ['PENDING', 'RUNNING', 'SUCCESS', 'FAIL'], example: 'SUCCESS' })
  status: string;

  @ApiProperty({ example: '2016-04-07T16:06:15.902' })
  submitted: string;

  @ApiPropertyOptional({ example: '2016-04-07T16:06:15.902', description: 'Omitted while PENDING' })
  started?: string;

  @ApiPropertyOptional({ example: '2016-04-07T16:06:15.902', description: 'Once SUCCESS or FAIL' })
  finished?: string;

  @ApiProperty({ example: 100, minimum: 0, maximum: 100 })
  progress: number;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { pool_id: '1' } })
  parameters: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { pool_id: '2' },
    description: 'POOL.CLONE: the new pool, on SUCCESS only',
  })
  details?: Record<string, unknown>;
}

export class OperationPage {
  @ApiProperty({ type: [OperationWire] })
  items: OperationWire[];

  @ApiProperty({ example: false })
  has_more: boolean;
}

export class OperationLogWire {
  @ApiProperty({ example: 'POOL.CLONE' })
  type: string;

  @ApiProperty({ example: false })
  success: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { pool_id: '1' } })
  input: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { code: 'POOL_NOT_FOUND', message: 'Pool 1 does not exist' },
  })
  output: Record<string, unknown>;
}

export class PoolWire extends PoolForm {
  @ApiProperty({ example: '21' })
  id: string;

  @ApiProperty({ type: OwnerView })
  owner: OwnerView;

  @ApiProperty({ example: 'REGULAR' })
  type: string;

  @ApiProperty({ enum: ['OPEN', 'CLOSED', 'ARCHIVED', 'LOCKED'], example: 'CLOSED' })
  status: string;

  @ApiProperty({ example: '2016-04-07T16:06:15.902' })
  created: string;

  @ApiPropertyOptional({ example: '2016-04-07T16:06:15.902' })
  last_started?: string;

  @ApiPropertyOptional({ example: '2016-04-07T16:06:15.902' })
  last_stopped?: string;

  @ApiPropertyOptional({ example: 'MANUAL', enum: ['MANUAL', 'FOR_UPDATE'] })
  last_close_reason?: string;
}

export class PoolPage {
  @ApiProperty({ type: [PoolWire] })
  items: PoolWire[];

  @ApiProperty({ example: false })
  has_more: boolean;
}

export class ProjectWire extends ProjectForm {
  @ApiProperty({ example: '12' })
  id: string;

  @ApiProperty({ type: OwnerView })
  owner: OwnerView;

  @ApiProperty({ enum: ['ACTIVE', 'ARCHIVED'], example: 'ACTIVE' })
  status: string;

  @ApiProperty({ example: '2016-04-07T16:06:15.902' })
  created: string;
}

export class ProjectPage {
  @ApiProperty({ type: [ProjectWire] })
  items: ProjectWire[];

  @ApiProperty({ example: false })
  has_more: boolean;
}

/** The seed's example (002): a finished clone. */
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

function owner(accountId: number, callerId: number): OwnerView {
  return { id: String(accountId), myself: accountId === callerId };
}

export function operationWire(op: OperationView): OperationWire {
  const wire: OperationWire = {
    id: op.id,
    type: op.type,
    status: op.status,
    submitted: formatTolokaDate(op.submitted),
    progress: op.progress,
    parameters: op.parameters,
  };
  if (op.started) wire.started = formatTolokaDate(op.started);
  if (op.finished) wire.finished = formatTolokaDate(op.finished);
  if (op.details) wire.details = op.details;
  return wire;
}

export function operationLogWire(entries: OperationLogEntry[]): OperationLogWire[] {
  return entries.map((e) => ({ type: e.type, success: e.success, input: e.input, output: e.output }));
}

export function poolWire(pool: PoolView, callerId: number): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: pool.id,
    project_id: pool.projectId,
    ...pool.fields,
    owner: owner(pool.accountId, callerId),
    type: 'REGULAR',
    status: pool.status,
    created: formatTolokaDate(pool.created),
  };
  if (pool.lastStarted) wire.last_started = formatTolokaDate(pool.lastStarted);
  if (pool.lastStopped) wire.last_stopped = formatTolokaDate(pool.lastStopped);
  if (pool.lastCloseReason) wire.last_close_reason = pool.lastCloseReason;
  return wire;
}

export function projectWire(project: CrowdProjectView, callerId: number): Record<string, unknown> {
  return {
    id: project.id,
    ...project.fields,
    owner: owner(project.accountId, callerId),
    status: project.status,
    created: formatTolokaDate(project.created),
  };
}

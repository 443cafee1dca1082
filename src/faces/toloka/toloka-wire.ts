import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PoolForm } from './toloka-pools.dto';
import { ProjectForm } from './toloka-projects.dto';

// What the v1 face answers, as Swagger shows it (toloka-presenter.ts builds the answers): optional
// fields that were never set are omitted, never null (docs/clients.md#unset-fields-are-left-out);
// dates through formatTolokaDate; ids as strings.

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

export class RequesterView {
  @ApiProperty({ example: '1' })
  id: string;

  @ApiProperty({ example: { EN: 'default' } })
  public_name: Record<string, string>;

  @ApiProperty({ example: 0, description: 'This service handles no money; always 0' })
  balance: number;
}

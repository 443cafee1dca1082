import { Module } from '@nestjs/common';
import { JsonApiOrganizationsController } from './jsonapi-organizations.controller';

/** The JSON:API project-management API under /api/v2 (shared/specs/tasks-copy.md). */
@Module({
  controllers: [JsonApiOrganizationsController],
})
export class JsonApiModule {}

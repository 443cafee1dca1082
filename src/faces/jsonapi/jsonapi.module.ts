import { Module } from '@nestjs/common';
import { TasksModule } from '../../tasks/tasks.module';
import { OperationsModule } from '../../operations/operations.module';
import { JsonApiAttachmentContentController } from './jsonapi-attachment-content.controller';
import { JsonApiGraph } from './jsonapi-graph';
import { RequestLimitsModule } from '../../rate-limits/request-limits.module';
import { JsonApiRateLimitGuard } from './jsonapi-rate-limit.guard';
import { JsonApiOperationsController } from './jsonapi-operations.controller';
import { JsonApiOrganizationsController } from './jsonapi-organizations.controller';
import { JsonApiDocuments } from './jsonapi-documents';
import { JsonApiPeopleController } from './jsonapi-people.controller';
import { JsonApiProjectsController } from './jsonapi-projects.controller';
import { jsonApiResourceController } from './jsonapi-resource.controller';
import { JsonApiTaskListsController } from './jsonapi-task-lists.controller';
import { JsonApiTasksController } from './jsonapi-tasks.controller';
import {
  customFieldsResource,
  membershipsResource,
  taskListsResource,
} from './resources/project-setup.resources';
import {
  attachmentsResource,
  commentsResource,
  taskDependenciesResource,
  templatesResource,
  todosResource,
} from './resources/task-item.resources';
import { workflowsResource, workflowStatusesResource } from './resources/workflow.resources';

const RESOURCE_CONTROLLERS = [
  workflowsResource,
  workflowStatusesResource,
  taskListsResource,
  membershipsResource,
  customFieldsResource,
  todosResource,
  commentsResource,
  attachmentsResource,
  taskDependenciesResource,
  templatesResource,
].map((resource) => jsonApiResourceController(resource as never));

/** The JSON:API project-management API under /api/v2 (docs/v2.md). */
@Module({
  imports: [TasksModule, OperationsModule, RequestLimitsModule],
  // The content routes come first: /attachments/:id/content must not be read as /attachments/:id.
  controllers: [
    JsonApiOrganizationsController,
    JsonApiTasksController,
    JsonApiTaskListsController,
    JsonApiProjectsController,
    JsonApiPeopleController,
    JsonApiOperationsController,
    JsonApiAttachmentContentController,
    ...RESOURCE_CONTROLLERS,
  ],
  providers: [JsonApiGraph, JsonApiDocuments, JsonApiRateLimitGuard],
})
export class JsonApiModule {}

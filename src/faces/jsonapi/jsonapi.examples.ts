// Request bodies from the route's source document (seeds/003), offered as Swagger examples.

export const MINIMAL_COPY = {
  data: {
    type: 'tasks',
    attributes: {
      title: 'New empty task from source',
      template_id: 5560123,
      project_id: 31002,
      task_list_id: 7781,
      workflow_status_id: 101,
      private: false,
    },
  },
};

export const FULL_COPY = {
  data: {
    type: 'tasks',
    attributes: {
      title: 'Onboarding checklist — Acme',
      template_id: 5560123,
      project_id: 31002,
      task_list_id: 7781,
      workflow_status_id: 101,
      private: false,
      copy_assignee: true,
      copy_date: true,
      copy_repeat: true,
      copy_estimate: true,
      copy_description: true,
      copy_tags: true,
      copy_subscribers: true,
      copy_attachments: true,
      copy_comments: true,
      copy_custom_fields: true,
      copy_open_todos: true,
      copy_open_subtasks: true,
      copy_task_dependencies: true,
    },
  },
};

// An operations document as the async copy (202) and a poll (200) answer it. The operation's kind
// is `operation_type`: JSON:API reserves `type` for the resource type.
export const QUEUED_COPY_OPERATION = {
  data: {
    type: 'operations',
    id: '5c1d9e44-8a0b-4f3e-b2a7-91d0c6e8f312',
    attributes: {
      operation_type: 'TASK.COPY',
      status: 'PENDING',
      progress: 0,
      submitted: '2026-06-01T09:00:00.000Z',
      started: null,
      finished: null,
      total_count: 2500,
      processed_count: null,
      errors: [],
    },
    relationships: { task: { data: null } },
    links: { self: '/api/v2/operations/5c1d9e44-8a0b-4f3e-b2a7-91d0c6e8f312' },
  },
};

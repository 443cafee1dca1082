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

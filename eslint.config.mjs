import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// TEMPORARY: removed when the task store restructure lands (issue 12, items 1-3). The size limits
// below, turned off for the files of src/tasks, src/task-details, src/faces/todo and
// src/faces/jsonapi over them today, one rule per file; nothing else belongs here.
const TASK_STORE_RESTRUCTURE_PENDING = [
  ['src/faces/jsonapi/jsonapi-error.mapper.ts', 'max-lines-per-function'],
  ['src/faces/jsonapi/jsonapi-resource.controller.ts', 'max-lines-per-function'],
  ['src/faces/jsonapi/jsonapi-tasks.controller.ts', 'max-lines'],
  ['src/faces/jsonapi/jsonapi-tasks.controller.ts', 'max-lines-per-function'],
  ['src/faces/todo/todo-task-list.cache.ts', 'max-lines'],
  ['src/task-details/task-copy-plan.ts', 'max-lines-per-function'],
  ['src/task-details/task-copy.service.ts', 'max-lines'],
  ['src/task-details/task-copy.service.ts', 'max-lines-per-function'],
  ['src/task-details/task-details.service.ts', 'max-lines'],
  ['src/task-details/task-read-model.ts', 'max-lines'],
  ['src/task-details/task-read-model.ts', 'max-lines-per-function'],
  ['src/task-details/task-write.service.ts', 'max-lines-per-function'],
  ['src/tasks/clone-engine.ts', 'max-lines'],
  ['src/tasks/clone-engine.ts', 'max-lines-per-function'],
  ['src/tasks/tasks.service.ts', 'max-lines'],
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        module: 'readonly',
        require: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'Do not commit focused tests.' },
        { object: 'it', property: 'only', message: 'Do not commit focused tests.' },
        { object: 'test', property: 'only', message: 'Do not commit focused tests.' },
      ],
    },
  },
  {
    // Every line counts, comments included: the limits are what a reader has to hold at once. A
    // function that must be longer says why in an eslint-disable-next-line comment.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 450 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  ...TASK_STORE_RESTRUCTURE_PENDING.map(([file, rule]) => ({ files: [file], rules: { [rule]: 'off' } })),
);

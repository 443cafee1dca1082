/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
  // Jest gives a worker 500 ms to exit after the last file, and a process's exit takes longer the
  // more heap it holds. By the end of the full run each worker held 0.6-1.2 GB of heap, mostly
  // garbage that V8 had no reason to collect under its default limit (4 GB on a 24 GB machine), and
  // both were killed with the "failed to exit gracefully" warning although no handle was open. A
  // worker whose heap is past this after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '512MB',
  // The end of every file waits for the intervals it started, and fails on one that never ends.
  setupFilesAfterEnv: ['<rootDir>/test/support/running-intervals.ts'],
};

// Two projects share one runner (`npm test` runs both):
//  - unit: specs beside the code (src/**/*.spec.ts) and the architecture checks; no database and no
//    global set-up, so `npm run test:unit` starts and finishes in seconds;
//  - integration: the HTTP/integration tests under test/, which boot the real AppModule on a real
//    PostgreSQL prepared by test/setup/ (and run the operator command line built once from src/).
// Jest runs a project's globalSetup/globalTeardown only when at least one of its tests is selected;
// a top-level globalSetup would run for every project, so it is set on the integration project only.
// `npm run test:unit` runs in band: one ts-jest compiler warms up instead of one per worker. In both
// scripts a flag follows `--selectProjects <name>`, which would otherwise take a path given after
// `npm run test:… --` for another project name.

const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: 'tsconfig.json',
      astTransformers: {
        before: ['<rootDir>/test/setup/swagger-transformer.js'],
      },
    },
  ],
};

const shared = {
  rootDir: '.',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
  // Global options: jest reads these from the top level only, for every project.
  testTimeout: 60000,
  maxWorkers: 2,
};

// Three tiers share one runner: unit specs beside the code (src/**/*.spec.ts) and HTTP/integration
// tests under test/ that boot the real AppModule on a real PostgreSQL prepared by test/setup/.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '(src|test)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: 'tsconfig.json',
        astTransformers: {
          before: ['<rootDir>/test/setup/swagger-transformer.js'],
        },
      },
    ],
  },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};

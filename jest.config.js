/** Each test layer is a Jest project with its own npm script. */
const shared = {
  transform: { '^.+\\.[cm]?[jt]s$': '<rootDir>/test/support/esbuild-transform.cjs' },
  // middy 6 ships ESM only: let the transform turn it into CommonJS like the rest.
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  moduleNameMapper: {
    '^#(shared|billing|warehouse|delivery|order|notification|auth|observability)/(.*)$': '<rootDir>/functions/$1/$2',
    '^#demo/(.*)$': '<rootDir>/demo/$1',
    '^#chaos/(.*)$': '<rootDir>/local/chaos/$1',
  },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testEnvironment: 'node',
};

module.exports = {
  testTimeout: 30_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'authorizer', testMatch: ['<rootDir>/test/authorizer/**/*.test.ts'] },
    { ...shared, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...shared, displayName: 'local', testMatch: ['<rootDir>/test/local/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/dynamodb-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/dynamodb-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'saga',
      testMatch: ['<rootDir>/test/saga/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/dynamodb-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/dynamodb-global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
    { ...shared, displayName: 'postman', testMatch: ['<rootDir>/test/postman/**/*.test.ts'] },
    // Each file starts a local cloud of its own: crashes, soak with faults, hostile input.
    { ...shared, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.test.ts'] },
    // Real headless Chromium (Debian's) against a local cloud: the shop page and the console.
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};

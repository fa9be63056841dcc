/** @type {import('jest').Config} */
module.exports = {
  // Shares typed-array constructors with Node's realm, which onnxruntime-node needs (see the file).
  testEnvironment: '<rootDir>/test/setup/ortTestEnvironment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  // The library finds the host through this module; under Jest the resolver hook cannot apply.
  moduleNameMapper: {
    '^@azure/functions-core$': '<rootDir>/emulator/core/functionsCore.ts',
  },
  globalSetup: '<rootDir>/test/setup/globalSetup.ts',
  globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
  // A safety net against hangs, not a performance bound: two suites at once on two busy cores need the room.
  testTimeout: 120000,
  maxWorkers: 2,
};

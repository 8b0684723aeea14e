// Shared vitest settings for every workspace package.
// With EHT_TEST_RESULTS_DIR set (as .ci/run does), each package also writes a
// JSON report there, named after the package, so the totals can be summed.
import path from 'node:path'

/** @returns {import('vitest/config').UserConfig} */
export function packageTestConfig(overrides = {}) {
  const reporters = ['default']
  const dir = process.env.EHT_TEST_RESULTS_DIR
  if (dir) {
    const name = (process.env.npm_package_name ?? path.basename(process.cwd())).replace(/[@/]/g, '_')
    reporters.push(['json', { outputFile: path.join(dir, `${name}.json`) }])
  }
  return {
    ...overrides,
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      reporters,
      ...(overrides.test ?? {}),
    },
  }
}

import { defineConfig } from 'vitest/config'
import { packageTestConfig } from '@eht-influx-client/test-support/vitest-preset'

export default defineConfig(packageTestConfig({ test: { setupFiles: ['./test/setup.ts'] } }))

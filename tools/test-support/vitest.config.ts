import { defineConfig } from 'vitest/config'
import { packageTestConfig } from './vitest-preset.js'

export default defineConfig(packageTestConfig())

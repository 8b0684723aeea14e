// Runs before each test file (vitest.config.ts setupFiles): its temporary directories go when the file is done.
import { afterAll } from 'vitest'
import { removeTempDirs } from './helpers.js'

afterAll(removeTempDirs)

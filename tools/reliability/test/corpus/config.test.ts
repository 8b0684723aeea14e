import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as config from '@eht-influx-client/config'
import { loadConfig, type ConfigError } from '@eht-influx-client/config'
import { loadCases } from '../../src/corpus-cases.js'
import { corpusTempDir } from '../../src/corpus-env.js'
import { errorClasses, expectClass, expectWords } from '../../src/corpus-expect.js'

// The config part of the bad-input corpus: each case is an .ini file
// (corpus/config/*.ini) loaded with loadConfig from a private copy (mode 600)
// in a temporary directory, with only the case's environment. The error must
// be of the stated class, start with file:line:column where a line is stated,
// name the section, key or variable, hold the expected words and never a
// token or password of the file or the environment.

const cases = loadCases('config')
const classes = errorClasses(config)
const root = corpusTempDir('config')
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('corpus: config loader', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(12))

  for (const { id, data, inputFile } of cases) {
    it(id, async () => {
      const dir = fs.mkdtempSync(path.join(root, 'case-'))
      const file = path.join(dir, 'influx_config.ini')
      fs.writeFileSync(file, fs.readFileSync(inputFile!), { mode: 0o600 })
      let thrown: unknown
      try {
        await loadConfig(file, { env: { HOME: dir, ...data.env }, cwd: dir })
      } catch (error) {
        thrown = error
      }
      expect(thrown, `${id}: loadConfig should fail`).toBeDefined()
      const expected = data.error
      expectClass(thrown, expected.class, classes, id)
      expect(config.ConfigError.isInstance(thrown)).toBe(true)
      const error = thrown as ConfigError
      expectWords(error.message, expected, id)
      if (expected.line !== undefined) {
        const where = `${file}:${expected.line}${expected.column === undefined ? '' : `:${expected.column}`}: `
        expect(error.message.startsWith(where), `${id}: the message starts with ${where}: ${error.message}`).toBe(true)
        expect(error.line).toBe(expected.line)
      }
      if (expected.section !== undefined) {
        expect(error.section).toBe(expected.section)
        expect(error.message).toContain(`[${expected.section}]`)
      }
      if (expected.key !== undefined) {
        expect(error.key).toBe(expected.key)
        expect(error.message).toContain(expected.key)
      }
      if (expected.variable !== undefined) {
        expect(error.variable).toBe(expected.variable)
        expect(error.message).toContain(`environment variable ${expected.variable}`)
      }
      const secrets = [...(data.secrets ?? []), ...Object.values(data.env ?? {}).filter((v) => /Pw|Tok/.test(v))]
      for (const secret of secrets) {
        for (const [what, text] of [
          ['message', error.message],
          ['stack', error.stack ?? ''],
          ['JSON', JSON.stringify(error)],
          ['String()', String(error)],
        ] as const) {
          expect(text, `${id}: the ${what} of the error holds a secret`).not.toContain(secret)
        }
      }
    })
  }
})

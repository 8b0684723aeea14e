import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { ExportOutputError, ReplayOptionsError } from './errors.js'
import { exportToLogfile, type ExportOptions } from './export-to-logfile.js'

afterAll(removeTempDirs)

const dir = tempDir()
// Nothing listens there: every case must fail before a query is sent.
const config = testConfig(dir, [{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }])
const base: ExportOptions = { config, server: 'local', since: 0n, until: 10n, output: path.join(dir, 'out.jsonl') }

async function failure(options: Partial<ExportOptions>): Promise<unknown> {
  return exportToLogfile({ ...base, ...options }).catch((e: unknown) => e)
}

describe('exportToLogfile options', () => {
  it('need a time range, a known server and sensible values, naming what is wrong', async () => {
    const key = async (options: Partial<ExportOptions>) => {
      const error = await failure(options)
      return ReplayOptionsError.isInstance(error) ? error.key : String(error)
    }
    expect(await key({ since: undefined as never })).toBe('since')
    expect(await key({ until: undefined as never })).toBe('until')
    expect(await key({ since: 10n, until: 10n })).toBe('until')
    expect(await key({ server: 'cloud' })).toBe('server')
    expect(await key({ measurements: [] })).toBe('measurements')
    expect(await key({ windowPoints: 0 })).toBe('windowPoints')
    expect(await key({ format: 'xml' as never })).toBe('format')
    expect(await key({ output: '' })).toBe('output')
  })

  it('never write over a logfile that has content, nor into a directory', async () => {
    const existing = path.join(dir, 'station.jsonl')
    fs.writeFileSync(existing, '{}\n')
    const error = await failure({ output: existing })
    expect(ExportOutputError.isInstance(error)).toBe(true)
    expect((error as ExportOutputError).file).toBe(existing)
    expect(fs.readFileSync(existing, 'utf8')).toBe('{}\n')
    expect(ExportOutputError.isInstance(await failure({ output: dir }))).toBe(true)
  })

  it('refuse an output whose extension says another format', async () => {
    const error = await failure({ output: path.join(dir, 'x.csv'), format: 'lp' })
    expect(ExportOutputError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/x\.csv.*format is lp/)
  })
})

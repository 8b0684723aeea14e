import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir, testConfig } from '../test/support.js'
import { ReplayOptionsError } from './errors.js'
import { replay, type ReplayOptions } from './replay.js'

afterAll(removeTempDirs)

// A port nothing listens on: these runs must fail before anything is sent.
const config = testConfig(tempDir(), [{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }])

async function keyOf(options: Partial<ReplayOptions>): Promise<string> {
  const error = await replay({ config, inputs: 'x.lp', ...options } as ReplayOptions).catch((e: unknown) => e)
  return ReplayOptionsError.isInstance(error) ? error.key : `not an options error: ${String(error)}`
}

describe('replay options', () => {
  it('are checked before anything is read or sent, naming the option', async () => {
    expect(await keyOf({ config: undefined as never })).toBe('config')
    expect(await keyOf({ inputs: [] })).toBe('inputs')
    expect(await keyOf({ inputs: [''] })).toBe('inputs')
    expect(await keyOf({ measurements: 'pps' as never })).toBe('measurements')
    expect(await keyOf({ rateLimit: { pointsPerSecond: -1 } })).toBe('rateLimit.pointsPerSecond')
    expect(await keyOf({ since: 'last tuesday' })).toBe('since')
    expect(await keyOf({ since: 10n, until: 5n })).toBe('until')
    expect(await keyOf({ servers: ['nope'] })).toBe('servers[0]')
  })

  it('report an input that does not exist by its name', async () => {
    await expect(replay({ config, inputs: '/no/such/dir/station.jsonl' })).rejects.toThrow('/no/such/dir/station.jsonl')
  })

  it('warn when a glob matches no logfile, and send nothing', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a logfile')
    const summary = await replay({ config, inputs: path.join(dir, '*.jsonl') })
    expect(summary).toMatchObject({ files: 0, read: 0, warnings: [expect.stringContaining('no logfile matches')] })
    expect(summary.servers.local).toMatchObject({ sent: 0, accepted: 0 })
  })
})

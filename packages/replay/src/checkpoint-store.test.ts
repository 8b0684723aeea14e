import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir } from '../test/support.js'
import { CheckpointError } from './errors.js'
import { checkpointDir, checkpointFile, CheckpointStore, type CheckpointScope } from './checkpoint-store.js'

afterEach(removeTempDirs)
const server = { name: 'cloud/main', url: 'http://127.0.0.1:8086', api: 'v1' as const, org: 'eht', bucket: 'eht_test' }
const scope: CheckpointScope = { server }

describe('checkpointDir', () => {
  it('sits beside the spool directory, not inside it', () => {
    const dir = checkpointDir({ spool: { dir: '/var/spool/eht/spool/', maxSizeBytes: 1 } })
    expect(dir).toBe('/var/spool/eht/spool-replay-checkpoints')
  })
})

describe('checkpointFile', () => {
  it('differs per selection and per target, so another selection never skips points', () => {
    const base = checkpointFile('/d', scope)
    expect(path.basename(base)).toMatch(/^cloud_main-[0-9a-f]{12}\.json$/)
    expect(checkpointFile('/d', { server, since: 1n })).not.toBe(base)
    expect(checkpointFile('/d', { server, measurements: ['a'] })).not.toBe(base)
    expect(checkpointFile('/d', { server: { ...server, bucket: 'other_test' } })).not.toBe(base)
    expect(checkpointFile('/d', { server, measurements: ['b', 'a'] })).toBe(checkpointFile('/d', { server, measurements: ['a', 'b'] }))
  })
})

describe('CheckpointStore', () => {
  it('saves and reloads offsets per file; a .gz file shares the checkpoint of its plain name', async () => {
    const dir = tempDir()
    const store = await CheckpointStore.open(dir, scope, true)
    store.advance('/logs/a.jsonl', { offset: 120, line: 3 })
    store.advance('/logs/b.lp', { offset: 50, line: 1 })
    await store.save()
    const again = await CheckpointStore.open(dir, scope, true)
    expect(again.get('/logs/a.jsonl.gz')).toEqual({ offset: 120, line: 3 })
    expect(again.get('/logs/b.lp')).toEqual({ offset: 50, line: 1 })
    expect(again.get('/logs/c.lp')).toBeUndefined()
  })

  it('never moves a checkpoint back', async () => {
    const store = await CheckpointStore.open(tempDir(), scope, true)
    store.advance('/f.lp', { offset: 100, line: 4 })
    store.advance('/f.lp', { offset: 40, line: 2 })
    expect(store.get('/f.lp')).toEqual({ offset: 100, line: 4 })
  })

  it('starts over with resume false and removes the old file', async () => {
    const dir = tempDir()
    const store = await CheckpointStore.open(dir, scope, true)
    store.advance('/f.lp', { offset: 100, line: 4 })
    await store.save()
    const fresh = await CheckpointStore.open(dir, scope, false)
    expect(fresh.get('/f.lp')).toBeUndefined()
    expect(fs.existsSync(fresh.file)).toBe(false)
  })

  it('folds saves requested during a write into one more write with the latest state', async () => {
    const store = await CheckpointStore.open(tempDir(), scope, true)
    const saves: Promise<void>[] = []
    for (let i = 1; i <= 50; i++) {
      store.advance('/f.lp', { offset: i * 10, line: i })
      saves.push(store.save())
    }
    await Promise.all(saves)
    const saved = JSON.parse(fs.readFileSync(store.file, 'utf8')) as { files: Record<string, unknown>; server: string; bucket: string }
    expect(saved.files['/f.lp']).toEqual({ offset: 500, line: 50 })
    expect(saved.server).toBe('cloud/main')
  })

  it('names the file when it is not a checkpoint', async () => {
    const dir = tempDir()
    const file = checkpointFile(dir, scope)
    fs.writeFileSync(file, '{"version":1,"files":')
    const error = await CheckpointStore.open(dir, scope, true).catch((e: unknown) => e)
    expect(CheckpointError.isInstance(error)).toBe(true)
    expect((error as CheckpointError).file).toBe(file)
    expect((error as Error).message).toContain('resume: false')
    fs.writeFileSync(file, JSON.stringify({ version: 1, files: { '/x.lp': { offset: -1, line: 0 } } }))
    await expect(CheckpointStore.open(dir, scope, true)).rejects.toThrow(/entry for \/x\.lp/)
  })

  it('reports a failed write and tries again on the next save', async () => {
    const dir = tempDir()
    const store = await CheckpointStore.open(dir, scope, true)
    store.advance('/f.lp', { offset: 10, line: 1 })
    fs.mkdirSync(store.file) // something in the way
    await expect(store.save()).rejects.toSatisfy((e: unknown) => CheckpointError.isInstance(e) && (e as CheckpointError).file === store.file)
    fs.rmdirSync(store.file)
    await store.save()
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8')).files['/f.lp']).toEqual({ offset: 10, line: 1 })
  })
})

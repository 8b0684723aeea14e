import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { removeTempDirs, tempDir } from '../test/support.js'
import { CheckpointError } from './errors.js'
import { checkpointDir, checkpointFile, CheckpointStore, type CheckpointScope, type FileCheckpoint } from './checkpoint-store.js'

afterEach(removeTempDirs)
const server = { name: 'cloud/main', url: 'http://127.0.0.1:8086', api: 'v1' as const, org: 'eht', bucket: 'eht_test' }
const scope: CheckpointScope = { server }
/** The checkpoint of `/f.lp` as the checkpoint file (or recent file) `file` holds it. */
const onDisk = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { files: Record<string, FileCheckpoint> }).files['/f.lp']

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
    // The first write is durable, the one folded after it goes to the recent file (within a second).
    const saved = JSON.parse(fs.readFileSync(store.recentFile, 'utf8')) as { files: Record<string, unknown>; server: string; bucket: string }
    expect(saved.files['/f.lp']).toEqual({ offset: 500, line: 50 })
    expect(saved.server).toBe('cloud/main')
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8')).files['/f.lp']).toEqual({ offset: 10, line: 1 })
  })

  it('writes the checkpoint file (durably) at first, at most once a second after that and at the end; the writes between go to the recent file, which counts on reload', async () => {
    const dir = tempDir()
    const store = await CheckpointStore.open(dir, scope, true)
    expect(path.basename(store.recentFile)).toBe(path.basename(store.file).replace(/\.json$/, '.recent.json'))
    const reloaded = async () => (await CheckpointStore.open(dir, scope, true)).get('/f.lp')
    let now = Date.now()
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now)
    try {
      store.advance('/f.lp', { offset: 10, line: 1 })
      await store.save()
      expect(onDisk(store.file)).toEqual({ offset: 10, line: 1 })
      expect(fs.existsSync(store.recentFile)).toBe(false)
      for (const i of [2, 3]) {
        now += 400
        store.advance('/f.lp', { offset: i * 10, line: i })
        await store.save()
        expect([onDisk(store.file), onDisk(store.recentFile), await reloaded()]).toEqual([{ offset: 10, line: 1 }, { offset: i * 10, line: i }, { offset: i * 10, line: i }])
      }
      // A second after the last durable write: durable again, and the recent file goes.
      now += 200
      store.advance('/f.lp', { offset: 40, line: 4 })
      await store.save()
      expect([onDisk(store.file), fs.existsSync(store.recentFile), await reloaded()]).toEqual([{ offset: 40, line: 4 }, false, { offset: 40, line: 4 }])
      now += 10
      store.advance('/f.lp', { offset: 50, line: 5 })
      await store.save()
      expect([onDisk(store.file), onDisk(store.recentFile)]).toEqual([{ offset: 40, line: 4 }, { offset: 50, line: 5 }])
      // The end of a replay: durable at once, even with nothing new to write.
      await store.save(true)
      expect([onDisk(store.file), fs.existsSync(store.recentFile), await reloaded()]).toEqual([{ offset: 50, line: 5 }, false, { offset: 50, line: 5 }])
    } finally {
      clock.mockRestore()
    }
  })

  it('takes the recent file where it has passed bad lines after the same offset (line only)', async () => {
    const dir = tempDir()
    const store = await CheckpointStore.open(dir, scope, true)
    store.advance('/f.lp', { offset: 10, line: 1 })
    await store.save()
    store.advance('/f.lp', { offset: 10, line: 3 })
    await store.save()
    expect([onDisk(store.file), onDisk(store.recentFile)]).toEqual([{ offset: 10, line: 1 }, { offset: 10, line: 3 }])
    expect((await CheckpointStore.open(dir, scope, true)).get('/f.lp')).toEqual({ offset: 10, line: 3 })
  })

  it('passes over a recent file that does not parse (a power cut during its write), removes one without a checkpoint file, and removes both with resume false', async () => {
    const dir = tempDir()
    const store = await CheckpointStore.open(dir, scope, true)
    store.advance('/f.lp', { offset: 10, line: 1 })
    store.advance('/g.lp', { offset: 70, line: 7 })
    await store.save()
    store.advance('/f.lp', { offset: 20, line: 2 })
    store.advance('/h.lp', { offset: 5, line: 1 })
    await store.save()
    // The recent file counts where it is further on, file by file.
    fs.writeFileSync(store.file, JSON.stringify({ version: 1, files: { '/f.lp': { offset: 10, line: 1 }, '/g.lp': { offset: 90, line: 9 } } }))
    const merged = await CheckpointStore.open(dir, scope, true)
    expect([merged.get('/f.lp'), merged.get('/g.lp'), merged.get('/h.lp')]).toEqual([{ offset: 20, line: 2 }, { offset: 90, line: 9 }, { offset: 5, line: 1 }])
    for (const torn of ['', '\0'.repeat(40), '{"version":1,"files":{"/f.lp":{"off']) {
      fs.writeFileSync(store.recentFile, torn)
      const reopened = await CheckpointStore.open(dir, scope, true)
      expect([reopened.get('/f.lp'), reopened.get('/h.lp')]).toEqual([{ offset: 10, line: 1 }, undefined])
    }
    fs.rmSync(store.file)
    fs.writeFileSync(store.recentFile, JSON.stringify({ version: 1, files: { '/f.lp': { offset: 20, line: 2 } } }))
    const over = await CheckpointStore.open(dir, scope, true)
    expect([over.get('/f.lp'), fs.existsSync(store.recentFile)]).toEqual([undefined, false])
    await store.save(true)
    store.advance('/f.lp', { offset: 30, line: 3 })
    await store.save()
    expect([fs.existsSync(store.file), fs.existsSync(store.recentFile)]).toEqual([true, true])
    const fresh = await CheckpointStore.open(dir, scope, false)
    expect([fresh.get('/f.lp'), fs.existsSync(store.file), fs.existsSync(store.recentFile)]).toEqual([undefined, false, false])
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

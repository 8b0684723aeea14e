import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
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
  it('differs per measurements selected and per target, not per time range (recorded in it instead)', () => {
    const base = checkpointFile('/d', scope)
    expect(path.basename(base)).toMatch(/^cloud_main-[0-9a-f]{12}\.json$/)
    // The name checkpoints made without since or until had when the range was in the key: they keep their file.
    const before = createHash('sha256').update(JSON.stringify([server.url, server.api, server.org, server.bucket, '', '', []])).digest('hex').slice(0, 12)
    expect(path.basename(base)).toBe(`cloud_main-${before}.json`)
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

  it('still writes after a save that had nothing to write', async () => {
    const store = await CheckpointStore.open(tempDir(), scope, true)
    await store.save(true)
    store.advance('/f.lp', { offset: 10, line: 1 })
    await store.save(true)
    expect(onDisk(store.file)).toEqual({ offset: 10, line: 1 })
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
    // Whole milliseconds, so that the steps below add up exactly to the second.
    let now = Math.round(performance.now())
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now)
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

  it('times the durable writes with a monotonic clock: the wall clock set back (NTP) does not hold them off', async () => {
    const store = await CheckpointStore.open(tempDir(), scope, true)
    let now = Math.round(performance.now())
    let wall = Date.now()
    const monotonic = vi.spyOn(performance, 'now').mockImplementation(() => now)
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => wall)
    try {
      store.advance('/f.lp', { offset: 10, line: 1 })
      await store.save()
      expect(onDisk(store.file)).toEqual({ offset: 10, line: 1 })
      // An hour's step back of the wall clock, then more than a second of real time.
      wall -= 3_600_000
      now += 1100
      store.advance('/f.lp', { offset: 20, line: 2 })
      await store.save()
      expect([onDisk(store.file), fs.existsSync(store.recentFile)]).toEqual([{ offset: 20, line: 2 }, false])
    } finally {
      clock.mockRestore()
      monotonic.mockRestore()
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

  it('removes a recent file left by a killed run at the first durable write, so a checkpoint dropped since does not come back', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'x.lp')
    fs.writeFileSync(file, 'm v=1i 1\n'.repeat(100))
    const killed = await CheckpointStore.open(dir, scope, true)
    killed.advance(file, { offset: 90, line: 10 })
    await killed.save()
    killed.advance(file, { offset: 180, line: 20 })
    await killed.save()
    // Killed here: the recent file is further on than the checkpoint file.
    expect(fs.existsSync(killed.recentFile)).toBe(true)
    // The file is rewritten, shorter: the next replay drops its checkpoint and replays it from the start.
    fs.writeFileSync(file, 'm v=2i 2\n'.repeat(5))
    const next = await CheckpointStore.open(dir, scope, true)
    expect(next.get(file)).toEqual(expect.objectContaining({ offset: 180, line: 20 }))
    expect(await next.verify([file])).toHaveLength(1)
    await next.save(true)
    expect(fs.existsSync(next.recentFile)).toBe(false)
    expect((await CheckpointStore.open(dir, scope, true)).get(file)).toBeUndefined()
    // Nothing moved at all in a run: its end still saves what the recent file held, and removes it.
    const other = path.join(dir, 'y.lp')
    fs.writeFileSync(next.file, JSON.stringify({ version: 1, files: { [other]: { offset: 10, line: 1 } } }))
    fs.writeFileSync(next.recentFile, JSON.stringify({ version: 1, files: { [other]: { offset: 20, line: 2 } } }))
    const idle = await CheckpointStore.open(dir, scope, true)
    await idle.save(true)
    expect([fs.existsSync(idle.recentFile), (await CheckpointStore.open(dir, scope, true)).get(other)]).toEqual([false, { offset: 20, line: 2 }])
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

  describe('fingerprints: a file replaced at a checkpointed path starts over', () => {
    /** `count` lines of 100 bytes, each ending in its number (so lines differ from their end). */
    const lines = (count: number, tag = 'a') => Array.from({ length: count }, (_, i) => `m,t=${tag} v=${String(i).padStart(100 - 9 - tag.length, '0')}i\n`).join('')
    const saved = async (dir: string, file: string, offset: number) => {
      const store = await CheckpointStore.open(dir, scope, true)
      store.advance(file, { offset, line: offset / 100 })
      await store.save(true)
      return store
    }

    it('keeps the checkpoint of a file appended to, and of the same content compressed since', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      await saved(dir, file, 5000)
      fs.appendFileSync(file, lines(3, 'b'))
      const store = await CheckpointStore.open(dir, scope, true)
      expect(await store.verify([file])).toEqual([])
      expect(store.get(file)).toMatchObject({ offset: 5000, line: 50 })
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)))
      fs.rmSync(file)
      const again = await CheckpointStore.open(dir, scope, true)
      expect(await again.verify([`${file}.gz`])).toEqual([])
      expect(again.get(`${file}.gz`)).toMatchObject({ offset: 5000, line: 50 })
    })

    it('starts over a file truncated below its offset, replaced by other content, or rewritten in place after the same first 4 KiB', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      const check = async (content: string, reason: RegExp) => {
        fs.writeFileSync(file, lines(60))
        await saved(dir, file, 5000)
        fs.writeFileSync(file, content)
        const store = await CheckpointStore.open(dir, scope, true)
        const restarts = await store.verify([file])
        expect(restarts).toEqual([{ file, reason: expect.stringMatching(reason) as string }])
        expect(store.get(file)).toBeUndefined()
        // Saved so: the next replay starts over too, even if this one is killed before it moves on.
        await store.save(true)
        expect((await CheckpointStore.open(dir, scope, true)).get(file)).toBeUndefined()
      }
      await check(lines(10), /offset 5000 is past the file's end \(1000 bytes\)/)
      await check(lines(60, 'b'), /first 4096 bytes are not those checkpointed/)
      const same = lines(60)
      await check(`${same.slice(0, 4800)}${lines(5, 'b')}${same.slice(5300)}`, /256 bytes before the checkpoint's offset 5000/)
    })

    it('starts over a compressed file whose content is not the one checkpointed', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      await saved(dir, file, 3000)
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(lines(60, 'b')))
      fs.rmSync(file)
      const store = await CheckpointStore.open(dir, scope, true)
      expect(await store.verify([`${file}.gz`])).toEqual([{ file: `${file}.gz`, reason: 'its first 3000 bytes (decompressed) are not those checkpointed' }])
    })

    it('takes a checkpoint without a fingerprint (written before them) as before, and fingerprints it at the next write', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(checkpointFile(dir, scope), JSON.stringify({ version: 1, files: { [file]: { offset: 5000, line: 50 } } }))
      const store = await CheckpointStore.open(dir, scope, true)
      expect(await store.verify([file])).toEqual([])
      expect(store.get(file)).toEqual({ offset: 5000, line: 50 })
      await store.save(true)
      const entry = (JSON.parse(fs.readFileSync(store.file, 'utf8')) as { files: Record<string, FileCheckpoint> }).files[file]
      expect(entry).toMatchObject({ offset: 5000, line: 50, headBytes: 4096, head: expect.any(String), tail: expect.any(String) })
      // Now the fingerprint counts: the same length of other content starts over.
      fs.writeFileSync(file, lines(60, 'b'))
      expect(await (await CheckpointStore.open(dir, scope, true)).verify([file])).toHaveLength(1)
    })

    it('leaves out the checkpoint of a file renamed over during the replay by a longer one, so the next replay starts it over', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      const store = await CheckpointStore.open(dir, scope, true)
      expect(await store.verify([file])).toEqual([])
      // The reader read the old file up to 3000; an export is written over it (temp file + rename), longer.
      fs.writeFileSync(`${file}.tmp`, lines(90, 'b'))
      fs.renameSync(`${file}.tmp`, file)
      store.advance(file, { offset: 3000, line: 30 })
      await store.save(true)
      const next = await CheckpointStore.open(dir, scope, true)
      expect(next.get(file)).toBeUndefined()
      expect(await next.verify([file])).toEqual([])
      // The file read is the one at the path: its checkpoint stays, also when appended to during the replay.
      next.advance(file, { offset: 3000, line: 30 })
      fs.appendFileSync(file, lines(2, 'c'))
      next.advance(file, { offset: 4000, line: 40 })
      await next.save(true)
      expect((await CheckpointStore.open(dir, scope, true)).get(file)).toMatchObject({ offset: 4000, line: 40, head: expect.any(String) })
    })

    it('leaves out the checkpoint of a .gz file renamed over during the replay, and keeps it in a later replay of the same content compressed', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      const first = await CheckpointStore.open(dir, scope, true)
      await first.verify([file])
      first.advance(file, { offset: 3000, line: 30 })
      await first.save(true)
      // Compressed since (a new inode): a later replay keeps the checkpoint, as the content is the same.
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)))
      fs.rmSync(file)
      const later = await CheckpointStore.open(dir, scope, true)
      expect(await later.verify([`${file}.gz`])).toEqual([])
      later.advance(`${file}.gz`, { offset: 5000, line: 50 })
      await later.save(true)
      expect((await CheckpointStore.open(dir, scope, true)).get(file)).toMatchObject({ offset: 5000, line: 50 })
      // Renamed over during a replay: left out.
      const during = await CheckpointStore.open(dir, scope, true)
      expect(await during.verify([`${file}.gz`])).toEqual([])
      fs.writeFileSync(`${file}.gz.tmp`, zlib.gzipSync(lines(90, 'b')))
      fs.renameSync(`${file}.gz.tmp`, `${file}.gz`)
      during.advance(`${file}.gz`, { offset: 6000, line: 60 })
      await during.save(true)
      expect((await CheckpointStore.open(dir, scope, true)).get(file)).toBeUndefined()
    })

    it('takes .GZ (any case) as gzip: a file compressed since keeps its checkpoint under its plain name', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      await saved(dir, file, 5000)
      fs.writeFileSync(`${file}.GZ`, zlib.gzipSync(fs.readFileSync(file)))
      fs.rmSync(file)
      const store = await CheckpointStore.open(dir, scope, true)
      expect(await store.verify([`${file}.GZ`])).toEqual([])
      expect(store.get(`${file}.GZ`)).toMatchObject({ offset: 5000, line: 50 })
      store.advance(`${file}.GZ`, { offset: 6000, line: 60 })
      await store.save(true)
      expect((await CheckpointStore.open(dir, scope, true)).get(`${file}.GZ`)).toMatchObject({ offset: 6000, line: 60, head: expect.any(String) })
    })

    it('leaves out the checkpoint of a file truncated during the replay, so the next replay starts it over', async () => {
      const dir = tempDir()
      const file = path.join(dir, 'x.lp')
      fs.writeFileSync(file, lines(60))
      const store = await saved(dir, file, 3000)
      fs.writeFileSync(file, lines(5, 'b'))
      store.advance(file, { offset: 4000, line: 40 })
      await store.save(true)
      expect((await CheckpointStore.open(dir, scope, true)).get(file)).toBeUndefined()
    })
  })
})

describe('CheckpointStore and the time range', () => {
  /** A checkpoint of `/f.lp` at offset 100, made for `made`; then opened for `now`. */
  async function reopen(made: Partial<CheckpointScope>, now: Partial<CheckpointScope>, dir = tempDir()) {
    const store = await CheckpointStore.open(dir, { server, ...made }, true)
    store.advance('/f.lp', { offset: 100, line: 4 })
    await store.save(true)
    return CheckpointStore.open(dir, { server, ...now }, true)
  }

  it('resumes when the new range lies within the one the checkpoint was made for, and records the new range', async () => {
    for (const [made, now] of [
      [{ since: 10n }, { since: 20n }],
      [{ since: 10n }, { since: 10n }],
      [{ until: 100n }, { until: 50n }],
      [{ since: 10n, until: 100n }, { since: 20n, until: 90n }],
      [{}, { since: 20n, until: 90n }],
      [{}, {}],
    ] as Partial<CheckpointScope>[][]) {
      const dir = tempDir()
      const store = await reopen(made!, now!, dir)
      expect(store.restarted).toBeUndefined()
      expect(store.get('/f.lp')).toEqual({ offset: 100, line: 4 })
      store.advance('/f.lp', { offset: 150, line: 6 })
      await store.save(true)
      // The checkpoint holds for the new range: the one it records now (the lines the old range took and the new
      // one leaves out, after the old offset, are not sent).
      const content = JSON.parse(fs.readFileSync(store.file, 'utf8')) as { since: string | null; until: string | null }
      expect(content).toMatchObject({ since: now!.since === undefined ? null : String(now!.since), until: now!.until === undefined ? null : String(now!.until) })
      // One file for all of them.
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([path.basename(store.file)])
    }
  })

  it('starts over, saying why, when the new range is wider on either side', async () => {
    for (const [made, now] of [
      [{ since: 20n }, { since: 10n }],
      [{ since: 20n }, {}],
      [{ until: 50n }, { until: 100n }],
      [{ until: 50n }, {}],
      [{ since: 10n, until: 50n }, { since: 20n, until: 60n }],
    ] as Partial<CheckpointScope>[][]) {
      const dir = tempDir()
      const store = await reopen(made!, now!, dir)
      expect(store.get('/f.lp')).toBeUndefined()
      expect(store.restarted).toMatch(/^server "cloud\/main": the checkpoint .*cloud_main-[0-9a-f]{12}\.json was made for since .*; this replay's range \(since .*\) is not within it, .* starts over and every file is replayed from its start$/)
      // Rewritten for the new range at the end, without the old offsets.
      await store.save(true)
      const content = JSON.parse(fs.readFileSync(store.file, 'utf8')) as { since: string | null; files: object }
      expect(content.files).toEqual({})
      expect(content.since).toBe(now!.since === undefined ? null : String(now!.since))
    }
    const named = await reopen({ since: 1617672549204824064n }, {})
    expect(named.restarted).toContain('was made for since 2021-04-06T01:29:09.204824064Z, until none; this replay\'s range (since none, until none)')
  })

  /** A checkpoint file as versions with since and until in its name wrote it. */
  function oldCheckpoint(dir: string, since: bigint | null, offset: number, measurements: string[] = []): string {
    const identity = JSON.stringify([server.url, server.api, server.org, server.bucket, String(since ?? ''), '', [...measurements].sort()])
    const file = path.join(dir, `cloud_main-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}.json`)
    fs.mkdirSync(dir, { recursive: true })
    const content = { version: 1, server: server.name, bucket: server.bucket, since: since === null ? null : String(since), until: null, measurements: measurements.length === 0 ? null : measurements, updated: new Date().toISOString(), files: { '/f.lp': { offset, line: 4 } } }
    fs.writeFileSync(file, JSON.stringify(content))
    return file
  }

  it('takes an older version\'s checkpoint (since in its name) whose range covers the new one, then removes the old files', async () => {
    const dir = tempDir()
    const covering = oldCheckpoint(dir, 10n, 100)
    const wider = oldCheckpoint(dir, 30n, 300)
    const otherMeasurements = oldCheckpoint(dir, 10n, 500, ['a'])
    const store = await CheckpointStore.open(dir, { server, since: 20n }, true)
    expect(store.restarted).toBeUndefined()
    expect(store.get('/f.lp')).toEqual({ offset: 100, line: 4 })
    // Until the first durable write they stay (a crash before it keeps what they hold).
    expect(fs.existsSync(covering)).toBe(true)
    await store.save(true)
    expect(fs.existsSync(covering)).toBe(false)
    expect(fs.existsSync(wider)).toBe(false)
    // Another selection of measurements has a checkpoint of its own.
    expect(fs.existsSync(otherMeasurements)).toBe(true)
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8'))).toMatchObject({ since: '20', files: { '/f.lp': { offset: 100, line: 4 } } })
  })

  it('leaves alone an older version\'s checkpoint whose lock is there (a replay of that version may be using it), and one that covers nothing', async () => {
    const dir = tempDir()
    const locked = oldCheckpoint(dir, 10n, 100)
    fs.writeFileSync(locked.replace(/\.json$/, '.lock'), '123 token\n')
    const store = await CheckpointStore.open(dir, { server, since: 20n }, true)
    expect(store.get('/f.lp')).toBeUndefined()
    await store.save(true)
    expect(fs.existsSync(locked)).toBe(true)
    // A narrower one is not taken (the new range is wider), and goes.
    const dir2 = tempDir()
    const narrower = oldCheckpoint(dir2, 30n, 300)
    const fresh = await CheckpointStore.open(dir2, { server, since: 20n }, true)
    expect(fresh.get('/f.lp')).toBeUndefined()
    await fresh.save(true)
    expect(fs.existsSync(narrower)).toBe(false)
  })
})

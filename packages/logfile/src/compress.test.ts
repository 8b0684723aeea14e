import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { compressSettled } from './compress.js'
import { claimPath } from './compression-claim.js'
import { LogWriteError } from './errors.js'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-gzip-'))
})
afterEach(() => {
  vi.restoreAllMocks()
  fs.rmSync(dir, { recursive: true, force: true })
})

const lineList = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `line ${from + i} ${'x'.repeat(50)}\n`).join('')
const gunzip = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString()
/** Writes `file` as written a while ago: an mtime just written may be up to a millisecond ahead of Date.now(), which is no settled file for a grace of 0. */
function writeSettled(file: string, text: string): void {
  fs.writeFileSync(file, text)
  const past = new Date(Date.now() - 10_000)
  fs.utimesSync(file, past, past)
}
/** A pid that no process has (a child that has exited). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!

describe('compressSettled', () => {
  it('replaces the file by file.gz with the same content and leaves no temporary file or claim', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(1000))
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(1000))
  })

  it('leaves a file written to less than the grace period ago as it is, and says when it could settle', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(10))
    const outcome = await compressSettled(file, 60_000)
    expect(outcome.kind).toBe('unsettled')
    expect((outcome as { settlesAt: number }).settlesAt).toBeCloseTo(fs.statSync(file).mtimeMs + 60_000, -1)
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl'])
  })

  it('a file already compressed by another process (gone) is no error', async () => {
    expect(await compressSettled(path.join(dir, 'Kp.jsonl'), 0)).toEqual({ kind: 'gone' })
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('a file that another live process is compressing (its claim) is left to it', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(10))
    fs.writeFileSync(claimPath(file), `${process.ppid}\n`)
    expect(await compressSettled(file, 0)).toEqual({ kind: 'busy' })
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz.claim'])
  })

  it('takes over the claim of a process that died', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(10))
    fs.writeFileSync(claimPath(file), `${deadPid()}\n`)
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
  })

  it('a .gz already there holding all of the file, or its start (a compression cut between link and unlink), is replaced: no error', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    for (const old of [lineList(100), lineList(60)]) {
      writeSettled(file, lineList(100))
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(old))
      expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
      expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
      expect(gunzip(`${file}.gz`)).toBe(lineList(100))
    }
  })

  it('never replaces a .gz holding other lines: it fails and leaves both files as they were', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, 'new\n')
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync('old\n'))
    await expect(compressSettled(file, 0)).rejects.toSatisfy((e: unknown) => LogWriteError.isInstance(e) && /already exists and holds lines/.test((e as Error).message))
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(file, 'utf8')).toBe('new\n')
    expect(gunzip(`${file}.gz`)).toBe('old\n')
  })

  it('a line appended between the last check and the unlink (a writer still on the file) ends up in the .gz', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    const link = fs.promises.link
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      if (to === `${file}.gz`) fs.appendFileSync(file, lineList(1, 100)) // after the last look, before the .gz is published and the file unlinked
      return link(from, to)
    })
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(101))
  })

  /** Makes the creation of the compressor's temporary files number `failing` (from 1) fail as a full disk does. */
  function fullDiskOnTemps(failing: (n: number) => boolean): { created: () => number } {
    const createWriteStream = fs.createWriteStream
    let n = 0
    vi.spyOn(fs, 'createWriteStream').mockImplementation(((file: fs.PathLike, options?: object) => {
      const stream = createWriteStream(file, options as never)
      if (String(file).includes('.gz.tmp-') && failing(++n)) process.nextTick(() => stream.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })))
      return stream
    }) as typeof fs.createWriteStream)
    return { created: () => n }
  }

  /** Appends line 100 to the file right after the last look, before the .gz is published and the file unlinked. */
  function appendBeforeThePublish(file: string): void {
    const link = fs.promises.link
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      if (to === `${file}.gz`) fs.appendFileSync(file, lineList(1, 100))
      return link(from, to)
    })
  }

  it('a line appended before the unlink, then a full disk when the .gz is made again: the file is put back whole beside the .gz, and the next compression replaces it', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    appendBeforeThePublish(file)
    fullDiskOnTemps((n) => n === 2) // the .gz made again, with line 100
    await expect(compressSettled(file, 0)).rejects.toSatisfy(
      (e: unknown) => LogWriteError.isInstance(e) && /cannot compress .*Kp\.jsonl: ENOSPC.*it is back beside .*Kp\.jsonl\.gz/.test((e as Error).message),
    )
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(file, 'utf8')).toBe(lineList(101))
    expect(gunzip(`${file}.gz`)).toBe(lineList(100))
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(101))
  })

  it('while the disk stays full after the unlink, it holds on to the file and tries again until the lines are out', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    appendBeforeThePublish(file)
    const temps = fullDiskOnTemps((n) => n >= 2 && n <= 6) // the .gz again and the plain file twice, then the .gz again once more
    await expect(compressSettled(file, 0)).rejects.toSatisfy((e: unknown) => LogWriteError.isInstance(e) && /ENOSPC/.test((e as Error).message))
    expect(temps.created()).toBe(7) // .gz, then (.gz again, plain file) three times: the third time the plain file fits
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(file, 'utf8')).toBe(lineList(101))
  })

  it('a full disk after the unlink that clears before the plain file is put back: the .gz made again holds every line', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    appendBeforeThePublish(file)
    fullDiskOnTemps((n) => n === 2 || n === 3)
    expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(101))
  })

  it('a put-back cut short after its link (the second copy does not fit) is removed once the .gz made again holds every line', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    const { unlink, rename, link } = fs.promises
    let late: number | undefined
    let gzRenames = 0
    vi.spyOn(fs.promises, 'unlink').mockImplementation(async (p) => {
      if (p === file && late === undefined) {
        fs.appendFileSync(file, lineList(1, 100)) // before the unlink: only the handle has it afterwards
        late = fs.openSync(file, 'a')
      }
      return unlink(p)
    })
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      if (to === `${file}.gz` && gzRenames++ === 0) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' })
      if (to === file) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' }) // the second plain copy
      return rename(from, to)
    })
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      await link(from, to)
      if (to === file) fs.writeSync(late!, lineList(1, 101)) // a late write during the put-back: the copy is short
    })
    try {
      expect(await compressSettled(file, 0)).toEqual({ kind: 'compressed' })
    } finally {
      fs.closeSync(late!)
    }
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(102))
  })

  it('a later try renames over the copy an earlier one put back (still ours) instead of failing on its name', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    const { unlink, rename, link } = fs.promises
    let late: number | undefined
    let plainRenames = 0
    vi.spyOn(fs.promises, 'unlink').mockImplementation(async (p) => {
      if (p === file && late === undefined) {
        fs.appendFileSync(file, lineList(1, 100))
        late = fs.openSync(file, 'a')
      }
      return unlink(p)
    })
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      if (to === `${file}.gz`) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' })
      if (to === file && plainRenames++ === 0) throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' })
      return rename(from, to)
    })
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      await link(from, to)
      if (to === file) fs.writeSync(late!, lineList(1, 101))
    })
    const outcome = compressSettled(file, 0).then(
      () => 'compressed',
      (e: Error) => e.message,
    )
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still trying after 3 s'), 3000))
    const result = await Promise.race([outcome, timeout])
    fs.closeSync(late!)
    expect(result).toMatch(/cannot compress .*Kp\.jsonl: ENOSPC.*it is back beside/)
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir).sort()).toEqual(['Kp.jsonl', 'Kp.jsonl.gz'])
    expect(fs.readFileSync(file, 'utf8')).toBe(lineList(102))
  })

  it('an error other than a full disk (EROFS) after the unlink: one put-back try, then it gives up at once naming the byte range lost', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    appendBeforeThePublish(file)
    const createWriteStream = fs.createWriteStream
    let n = 0
    vi.spyOn(fs, 'createWriteStream').mockImplementation(((f: fs.PathLike, options?: object) => {
      const stream = createWriteStream(f, options as never)
      if (String(f).includes('.gz.tmp-') && ++n >= 2) process.nextTick(() => stream.destroy(Object.assign(new Error('EROFS: read-only file system, write'), { code: 'EROFS' })))
      return stream
    }) as typeof fs.createWriteStream)
    const started = Date.now()
    const outcome = compressSettled(file, 0).then(
      () => 'compressed',
      (e: Error) => e,
    )
    const result = await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('still trying after 3 s'), 3000))])
    expect(LogWriteError.isInstance(result), String(result)).toBe(true)
    const size = Buffer.byteLength(lineList(100))
    expect((result as Error).message).toMatch(new RegExp(`cannot compress .*Kp\\.jsonl: EROFS.*gave up .*bytes ${size} to ${size + Buffer.byteLength(lineList(1, 100))} of .*Kp\\.jsonl .* are lost`))
    expect(n).toBe(3) // the .gz, the .gz again, the plain copy: no retry
    expect(Date.now() - started).toBeLessThan(2000)
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
  })

  it('a copy it put back goes as soon as a larger .gz made again is in place: readers would read the copy and skip the .gz', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    const { unlink, rename, link } = fs.promises
    let late: number | undefined
    vi.spyOn(fs.promises, 'unlink').mockImplementation(async (p) => {
      if (p === file && late === undefined) {
        fs.appendFileSync(file, lineList(1, 100)) // lands right before the unlink
        late = fs.openSync(file, 'a')
      }
      return unlink(p)
    })
    // Line 101 lands right after the first copy is put back (its next copy fails: it waits), line 102 right after
    // the next try's .gz (with line 101) is in place, whose next .gz and copy fail again.
    let putBacks = 0
    vi.spyOn(fs.promises, 'link').mockImplementation(async (from, to) => {
      await link(from, to)
      if (to === file && putBacks++ === 0) fs.writeSync(late!, lineList(1, 101))
    })
    let gzRenames = 0
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      await rename(from, to)
      if (to === `${file}.gz` && gzRenames++ === 0) fs.writeSync(late!, lineList(1, 102))
    })
    const temps = fullDiskOnTemps((n) => n === 2 || n === 4 || n >= 6) // ok: the .gz, the first copy, the .gz of the second try
    let rescued: string | undefined
    const error = await compressSettled(file, 0, undefined, {
      giveUpAt: () => (temps.created() >= 7 ? 0 : Infinity),
      rescue: async (bytes) => {
        rescued = bytes.toString()
        return path.join(dir, 'current.jsonl')
      },
    }).catch((e: Error) => e)
    fs.closeSync(late!)
    expect(temps.created()).toBe(7)
    const size = Buffer.byteLength(lineList(102))
    expect((error as Error).message).toMatch(new RegExp(`gave up .*: bytes ${size} to ${size + Buffer.byteLength(lineList(1, 102))} of .*Kp\\.jsonl .* were appended to`))
    vi.restoreAllMocks()
    // What readers find: the .gz (no plain copy hiding its line 101) and the rescued line 102.
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(102))
    expect(rescued).toBe(lineList(1, 102))
  })

  it('while the disk stays full it removes its partial copies before it waits, says so once, and gives the held lines to rescue() once giveUpAt has passed', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(100))
    appendBeforeThePublish(file)
    fullDiskOnTemps((n) => n >= 2)
    const reports: Error[] = []
    const tempsWhenWaiting: string[][] = []
    let giveUpAt = Infinity
    let rescued: [string, string] | undefined
    const job = compressSettled(file, 0, undefined, {
      onWaiting: (error) => {
        reports.push(error)
        tempsWhenWaiting.push(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')))
      },
      giveUpAt: () => giveUpAt,
      rescue: async (bytes, from) => {
        rescued = [bytes.toString(), from]
        return path.join(dir, 'current.jsonl')
      },
    }).catch((e: Error) => e)
    for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 400)) // a few tries more
    expect(reports).toHaveLength(1)
    expect(tempsWhenWaiting).toEqual([[]])
    expect(reports[0]!.message).toMatch(/cannot compress .*Kp\.jsonl: ENOSPC.*bytes \d+ to \d+ of it .* held by this process only/)
    giveUpAt = Date.now()
    const error = await job
    expect(LogWriteError.isInstance(error)).toBe(true)
    expect((error as Error).message).toMatch(/gave up .*closing.*: bytes \d+ to \d+ of .*Kp\.jsonl .* were appended to .*current\.jsonl instead/)
    expect(rescued).toEqual([lineList(1, 100), file])
    vi.restoreAllMocks()
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(100))
  })

  it('loses nothing when a process keeps appending to the file while it is compressed', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    fs.writeFileSync(file, lineList(20000))
    let appended = 20000
    const timer = setInterval(() => fs.appendFileSync(file, lineList(1, appended++)), 1)
    let outcome: string
    try {
      outcome = (await compressSettled(file, 0)).kind
    } finally {
      clearInterval(timer)
    }
    const gz = fs.existsSync(`${file}.gz`) ? gunzip(`${file}.gz`) : ''
    const plain = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
    expect(gz + plain, outcome).toBe(lineList(appended))
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.claim'))).toEqual([])
  })
})

/** What /proc tells of process `pid`: its start time (clock ticks after boot), the boot id, our pid namespace. */
const proc = (pid: number) => ({
  start: fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!,
  boot: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
  ns: fs.readlinkSync('/proc/self/ns/pid'),
})
const claimOf = (pid: number, fields: Partial<ReturnType<typeof proc>> = {}) => {
  const id = { ...proc(pid), ...fields }
  return `${pid} 0123456789abcdef ${id.boot} ${id.start} ${id.ns}\n`
}

describe('compression claims of processes that are gone although their pid runs', () => {
  it('a claim of our own pid left by an earlier run (a restart as PID 1 gets the pid again) is taken over', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    for (const left of [`${process.pid}\n`, claimOf(process.pid, { start: '1' })]) {
      writeSettled(file, lineList(10))
      fs.writeFileSync(claimPath(file), left)
      expect(await compressSettled(file, 0), left).toEqual({ kind: 'compressed' })
      expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
      fs.rmSync(`${file}.gz`)
    }
  })

  it('a claim whose pid another process has now (another start time, or another boot) is taken over', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    for (const left of [claimOf(process.ppid, { start: '1' }), claimOf(process.ppid, { boot: '00000000-0000-0000-0000-000000000000' })]) {
      writeSettled(file, lineList(10))
      fs.writeFileSync(claimPath(file), left)
      expect(await compressSettled(file, 0), left).toEqual({ kind: 'compressed' })
      expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
      fs.rmSync(`${file}.gz`)
    }
  })

  it('the claim of a live process (its pid and start time) is left to it, and so is one this process holds', async () => {
    const file = path.join(dir, 'Kp.jsonl')
    writeSettled(file, lineList(10))
    fs.writeFileSync(claimPath(file), claimOf(process.ppid))
    expect(await compressSettled(file, 0)).toEqual({ kind: 'busy' })
    fs.rmSync(claimPath(file))
    writeSettled(file, lineList(50000))
    const outcomes = await Promise.all([compressSettled(file, 0), compressSettled(file, 0)])
    expect(outcomes.filter((o) => o.kind === 'compressed')).toHaveLength(1)
    expect(outcomes.filter((o) => o.kind !== 'compressed')).toEqual([{ kind: expect.stringMatching(/^(busy|gone)$/) }])
    expect(fs.readdirSync(dir)).toEqual(['Kp.jsonl.gz'])
    expect(gunzip(`${file}.gz`)).toBe(lineList(50000))
  })
})

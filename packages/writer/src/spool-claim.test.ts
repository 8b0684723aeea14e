import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { ownProcessIdentity } from '@eht-influx-client/logfile'
import { startTimeOf } from '../test/start-time.js'
import { lockHolder, removeClaimLeftovers, SpoolClaim } from './spool-claim.js'
import { tempDir } from '../test/helpers.js'

function spoolFile(dir: string, name = 'spool-20261129T000000000Z-1-0.lp', bytes = 100): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, 'x'.repeat(bytes))
  return file
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)
}

describe('SpoolClaim', () => {
  it('lets one drainer at a time hold a spool file, also within one process', async () => {
    const file = spoolFile(tempDir())
    const first = await SpoolClaim.take(file)
    expect(first).toBeDefined()
    expect(await SpoolClaim.take(file)).toBeUndefined()
    expect(await first!.holds()).toBe(true)
    await first!.release()
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
    const second = await SpoolClaim.take(file)
    expect(second).toBeDefined()
    await second!.release()
  })

  it('leaves a file held by another live process, takes over one left by a process that is gone', async () => {
    const file = spoolFile(tempDir())
    fs.writeFileSync(`${file}.lock`, `${process.ppid} someone-else\n`)
    expect(await SpoolClaim.take(file)).toBeUndefined()
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(`${process.ppid} someone-else\n`)
    fs.writeFileSync(`${file}.lock`, `${deadPid()} crashed\n`)
    const claim = await SpoolClaim.take(file)
    expect(claim).toBeDefined()
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} `))
    await claim!.release()
  })

  it.runIf(fs.existsSync('/proc/self/stat'))('takes over a lock whose pid is now another live process (start time or boot id differ), and writes its own identity', async () => {
    const file = spoolFile(tempDir())
    const { boot, start, ns } = ownProcessIdentity()
    const parentStart = startTimeOf(process.ppid)!
    fs.writeFileSync(`${file}.lock`, `${process.ppid} alive ${boot} ${parentStart} ${ns}\n`)
    expect(await SpoolClaim.take(file)).toBeUndefined()
    for (const lock of [`${process.ppid} reused ${boot} ${Number(parentStart) + 1} ${ns}\n`, `${process.ppid} before-reboot 00000000-0000-4000-8000-000000000000 ${parentStart} ${ns}\n`, `${process.pid} earlier-run ${boot} ${Number(start) + 1} ${ns}\n`]) {
      fs.writeFileSync(`${file}.lock`, lock)
      const claim = await SpoolClaim.take(file)
      expect(claim, lock).toBeDefined()
      expect(fs.readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f-]{36} ${boot} ${start} ${(ns ?? '-').replace(/[[\]]/g, '\\$&')}\n$`))
      await claim!.release()
    }
  })

  it.runIf(fs.existsSync('/proc/self/ns/pid'))('leaves a lock of a drainer in another pid namespace (a container) alone, whatever its pid is here', async () => {
    const file = spoolFile(tempDir())
    const { boot, start, ns } = ownProcessIdentity()
    const other = 'pid:[1]'
    expect(other).not.toBe(ns)
    const parentStart = startTimeOf(process.ppid)!
    for (const lock of [`${process.ppid} theirs ${boot} ${Number(parentStart) + 1} ${other}\n`, `${process.pid} theirs ${boot} ${Number(start) + 1} ${other}\n`, `999999999 theirs ${boot} 1 ${other}\n`]) {
      fs.writeFileSync(`${file}.lock`, lock)
      expect(await SpoolClaim.take(file), lock).toBeUndefined()
      expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(lock)
    }
  })

  it.runIf(fs.existsSync('/proc/self/stat'))('leaves a lock of this very process (pid and start time) that no drainer of this module took: another worker thread holds it', async () => {
    const file = spoolFile(tempDir())
    const { boot, start, ns } = ownProcessIdentity()
    // What a drainer in another worker thread of this process writes: our pid and identity, a token unknown here.
    const theirs = `${process.pid} 11111111-2222-4333-8444-555555555555 ${boot} ${start} ${ns}\n`
    fs.writeFileSync(`${file}.lock`, theirs)
    expect(await SpoolClaim.take(file)).toBeUndefined()
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(theirs)
  })

  it('leaves a lock that another copy of this module in the same process holds (two installs of the package)', async () => {
    const file = spoolFile(tempDir())
    const first = await SpoolClaim.take(file)
    expect(first).toBeDefined()
    vi.resetModules()
    const copy = await import('./spool-claim.js')
    expect(copy.SpoolClaim).not.toBe(SpoolClaim)
    expect(await copy.SpoolClaim.take(file)).toBeUndefined()
    expect(await first!.holds()).toBe(true)
    await first!.release()
    const second = await copy.SpoolClaim.take(file)
    expect(second).toBeDefined()
    await second!.release()
  })

  it('treats an empty lock as being written when fresh, as left by a crash when old', async () => {
    const file = spoolFile(tempDir())
    fs.writeFileSync(`${file}.lock`, '')
    expect(await SpoolClaim.take(file)).toBeUndefined()
    const minuteAgo = new Date(Date.now() - 60_000)
    fs.utimesSync(`${file}.lock`, minuteAgo, minuteAgo)
    const claim = await SpoolClaim.take(file)
    expect(claim).toBeDefined()
    await claim!.release()
  })

  it('a drainer that lost its lock notices it', async () => {
    const file = spoolFile(tempDir())
    const claim = await SpoolClaim.take(file)
    fs.writeFileSync(`${file}.lock`, `${process.ppid} thief\n`)
    expect(await claim!.holds()).toBe(false)
    await claim!.release()
    // Not its lock any more: left in place.
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(`${process.ppid} thief\n`)
  })

  it('keeps the progress across claims, atomically replaced; ignores a progress that cannot be right', async () => {
    const dir = tempDir()
    const file = spoolFile(dir)
    const claim = await SpoolClaim.take(file)
    expect(claim!.startOffset).toBe(0)
    await claim!.advance(40)
    await claim!.advance(60)
    await claim!.release()
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(file), `${path.basename(file)}.progress`])
    const again = await SpoolClaim.take(file)
    expect(again!.startOffset).toBe(60)
    await again!.release()
    for (const bad of ['{"offset":101}', '{"offset":-1}', '{"offset":1.5}', 'not json', '']) {
      fs.writeFileSync(`${file}.progress`, bad)
      const claimBad = await SpoolClaim.take(file)
      expect(claimBad!.startOffset, bad).toBe(0)
      await claimBad!.release()
    }
  })

  it('finish() removes the progress and the lock; a file gone before it was claimed leaves nothing behind', async () => {
    const dir = tempDir()
    const file = spoolFile(dir)
    const claim = await SpoolClaim.take(file)
    await claim!.advance(10)
    fs.rmSync(file)
    await claim!.finish()
    expect(fs.readdirSync(dir)).toEqual([])
    fs.writeFileSync(`${file}.progress`, '{"offset":5}\n')
    expect(await SpoolClaim.take(file)).toBeUndefined()
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('removeClaimLeftovers removes what a drainer killed between deleting a file and its progress left, nothing else', async () => {
    const dir = tempDir()
    const kept = spoolFile(dir, 'spool-20261129T000000000Z-1-1.lp')
    fs.writeFileSync(`${kept}.progress`, '{"offset":5}\n')
    const gone = path.join(dir, 'spool-20261129T000000000Z-1-2.lp')
    fs.writeFileSync(`${gone}.progress`, '{"offset":5}\n')
    fs.writeFileSync(`${gone}.lock`, `${deadPid()} crashed\n`)
    fs.writeFileSync(`${gone}.progress.0f3a.tmp`, '{"off')
    const busy = path.join(dir, 'spool-20261129T000000000Z-1-3.lp')
    fs.writeFileSync(`${busy}.lock`, `${process.ppid} alive\n`)
    await removeClaimLeftovers(dir, new Set([path.basename(kept)]))
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(kept), `${path.basename(kept)}.progress`, `${path.basename(busy)}.lock`])
  })

  describe('locks whose holder cannot be checked from here: taken over once not refreshed for 10 minutes', () => {
    const MINUTE = 60_000
    const me = ownProcessIdentity()
    /** Writes `text` as the lock of `file`, last written `ageMs` ago. */
    function leaveLock(file: string, text: string, ageMs: number): void {
      fs.writeFileSync(`${file}.lock`, text)
      const then = new Date(Date.now() - ageMs)
      fs.utimesSync(`${file}.lock`, then, then)
    }

    it.runIf(me.ns !== undefined)('a lock of a drainer in another pid namespace (a container killed) is taken over after 10 minutes, not after 1', async () => {
      const file = spoolFile(tempDir())
      const other = `${process.ppid} 11111111-2222-4333-8444-555555555555 ${me.boot} 12345 pid:[4026500001]\n`
      expect('pid:[4026500001]').not.toBe(me.ns)
      leaveLock(file, other, MINUTE)
      expect(await SpoolClaim.take(file)).toBeUndefined()
      expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe(other)
      expect(await lockHolder(file)).toMatchObject({ pid: process.ppid, ours: false, namespace: 'pid:[4026500001]' })
      leaveLock(file, other, 11 * MINUTE)
      expect(await lockHolder(file)).toBeUndefined()
      const claim = await SpoolClaim.take(file)
      expect(claim).toBeDefined()
      expect(fs.readFileSync(`${file}.lock`, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f-]{36} `))
      await claim!.release()
      expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)])
    })

    it.runIf(fs.existsSync('/proc/self/stat'))('a lock of this very process that no drainer here holds (a worker thread terminated mid-drain) is taken over after 10 minutes, not before', async () => {
      const file = spoolFile(tempDir())
      const theirs = `${process.pid} 11111111-2222-4333-8444-555555555555 ${me.boot} ${me.start} ${me.ns ?? '-'}\n`
      leaveLock(file, theirs, 0)
      expect(await SpoolClaim.take(file)).toBeUndefined()
      leaveLock(file, theirs, 11 * MINUTE)
      const claim = await SpoolClaim.take(file)
      expect(claim).toBeDefined()
      expect(await claim!.holds()).toBe(true)
      await claim!.release()
      expect(fs.existsSync(`${file}.lock`)).toBe(false)
    })

    it('a lock of an older version (pid only) of a live process is still held, however old', async () => {
      const file = spoolFile(tempDir())
      leaveLock(file, `${process.ppid} someone-else\n`, 60 * MINUTE)
      expect(await SpoolClaim.take(file)).toBeUndefined()
    })

    it('a held lock has its mtime refreshed until it is released', async () => {
      const file = spoolFile(tempDir())
      const claim = await SpoolClaim.take(file, undefined, { refreshMs: 20 })
      expect(claim).toBeDefined()
      const old = new Date(Date.now() - 30 * MINUTE)
      fs.utimesSync(`${file}.lock`, old, old)
      const deadline = Date.now() + 5000
      while (Date.now() - fs.statSync(`${file}.lock`).mtimeMs > MINUTE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(Date.now() - fs.statSync(`${file}.lock`).mtimeMs).toBeLessThan(MINUTE)
      await claim!.release()
      expect(fs.existsSync(`${file}.lock`)).toBe(false)
    })
  })
})

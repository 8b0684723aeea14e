import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keepLockFresh, ownerLockText, readOwnerLock, takeOverStaleLock } from './owner-lock.js'
import { formatProcessIdentity, ownProcessIdentity } from './process-identity.js'

let dir: string
let lock: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-owner-lock-'))
  lock = path.join(dir, 'x.lock')
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const MINUTE = 60_000
const setAge = (file: string, ageMs: number) => {
  const then = new Date(Date.now() - ageMs)
  fs.utimesSync(file, then, then)
}

describe('owner locks', () => {
  it('writes this process with a token and extra words, and reads them back with the mtime and age', async () => {
    const [pid, boot, start, ns] = formatProcessIdentity(ownProcessIdentity()).split(' ')
    expect(ownerLockText('tok')).toBe(`${pid} tok ${boot} ${start} ${ns}\n`)
    fs.writeFileSync(lock, ownerLockText('tok', [3, 'x']))
    setAge(lock, 2 * MINUTE)
    const owner = await readOwnerLock(lock)
    expect(owner).toMatchObject({ ...ownProcessIdentity(), token: 'tok', extra: ['3', 'x'], text: `${pid} tok ${boot} ${start} ${ns} 3 x\n` })
    expect(owner!.ageMs).toBeGreaterThanOrEqual(2 * MINUTE)
    expect(owner!.ageMs).toBeLessThan(3 * MINUTE)
    expect(owner!.mtimeMs).toBe(fs.statSync(lock).mtimeMs)
    fs.writeFileSync(lock, '')
    expect(await readOwnerLock(lock)).toMatchObject({ pid: NaN, token: '', extra: [], text: '' })
    fs.writeFileSync(lock, '12 old\n')
    expect(await readOwnerLock(lock)).toMatchObject({ pid: 12, token: 'old', boot: undefined, start: undefined, ns: undefined, extra: [] })
    fs.rmSync(lock)
    expect(await readOwnerLock(lock)).toBeUndefined()
  })

  it('takes over a lock that is as it was read; puts back one whose text or mtime changed since', async () => {
    const aside = `${lock}.abc.stale`
    fs.writeFileSync(lock, '999999999 gone - - -\n')
    setAge(lock, 20 * MINUTE)
    const stale = (await readOwnerLock(lock))!
    expect(await takeOverStaleLock(lock, stale, aside)).toBe(true)
    expect(fs.readdirSync(dir)).toEqual([])
    // Gone already: nothing to take over.
    expect(await takeOverStaleLock(lock, stale, aside)).toBe(true)
    // Refreshed since it was read: its owner is alive.
    fs.writeFileSync(lock, stale.text)
    setAge(lock, 0)
    expect(await takeOverStaleLock(lock, stale, aside)).toBe(false)
    expect(fs.readdirSync(dir)).toEqual(['x.lock'])
    // Another lock, made since.
    fs.writeFileSync(lock, '999999999 fresh - - -\n')
    fs.utimesSync(lock, new Date(stale.mtimeMs), new Date(stale.mtimeMs))
    expect(await takeOverStaleLock(lock, stale, aside)).toBe(false)
    expect(fs.readFileSync(lock, 'utf8')).toBe('999999999 fresh - - -\n')
    expect(fs.readdirSync(dir)).toEqual(['x.lock'])
  })

  it('keeps a held lock fresh, and stops once the lock is another\'s', async () => {
    fs.writeFileSync(lock, ownerLockText('mine'))
    setAge(lock, 30 * MINUTE)
    const stop = keepLockFresh(lock, 'mine', 20)
    try {
      const deadline = Date.now() + 5000
      while (Date.now() - fs.statSync(lock).mtimeMs > MINUTE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(Date.now() - fs.statSync(lock).mtimeMs).toBeLessThan(MINUTE)
      fs.writeFileSync(lock, ownerLockText('theirs'))
      setAge(lock, 30 * MINUTE)
      await new Promise((r) => setTimeout(r, 200))
      expect(Date.now() - fs.statSync(lock).mtimeMs).toBeGreaterThan(29 * MINUTE)
      // Stopped for good: the holder's own lock back again is not refreshed.
      fs.writeFileSync(lock, ownerLockText('mine'))
      setAge(lock, 30 * MINUTE)
      await new Promise((r) => setTimeout(r, 200))
      expect(Date.now() - fs.statSync(lock).mtimeMs).toBeGreaterThan(29 * MINUTE)
    } finally {
      stop()
    }
  })

  it('goes on refreshing a lock that was missing for a while (renamed aside by a staleness check, then linked back)', async () => {
    fs.writeFileSync(lock, ownerLockText('mine'))
    const stop = keepLockFresh(lock, 'mine', 20)
    try {
      // As takeOverStaleLock does: the lock renamed aside, looked at, linked back as it was.
      const aside = path.join(dir, 'x.lock.aside')
      fs.renameSync(lock, aside)
      await new Promise((r) => setTimeout(r, 200)) // several periods find it missing
      setAge(aside, 30 * MINUTE)
      fs.linkSync(aside, lock)
      fs.rmSync(aside)
      const deadline = Date.now() + 5000
      while (Date.now() - fs.statSync(lock).mtimeMs > MINUTE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(Date.now() - fs.statSync(lock).mtimeMs).toBeLessThan(MINUTE)
    } finally {
      stop()
    }
  })

  it('refreshes no more once stopped', async () => {
    fs.writeFileSync(lock, ownerLockText('mine'))
    setAge(lock, 30 * MINUTE)
    keepLockFresh(lock, 'mine', 20)()
    await new Promise((r) => setTimeout(r, 200))
    expect(Date.now() - fs.statSync(lock).mtimeMs).toBeGreaterThan(29 * MINUTE)
  })
})

import fs from 'node:fs'
import path from 'node:path'
import { ownProcessIdentity } from '@eht-influx-client/logfile'
import { afterAll, describe, expect, it } from 'vitest'
import { removeTempDirs, tempDir } from '../test/support.js'
import { CheckpointLock, lockedByOtherProcess, lockFileOf } from './checkpoint-lock.js'
import { CheckpointError } from './errors.js'

afterAll(() => removeTempDirs())

const MINUTE = 60_000
const me = ownProcessIdentity()
const TOKEN = '11111111-2222-4333-8444-555555555555'

/** A checkpoint file (not written: the lock is what counts) in a fresh folder. */
const checkpoint = () => path.join(tempDir(), 'local-0123456789ab.json')

/** Writes `text` as the lock of `file`, last written `ageMs` ago. */
function leaveLock(file: string, text: string, ageMs: number): void {
  fs.writeFileSync(lockFileOf(file), text)
  const then = new Date(Date.now() - ageMs)
  fs.utimesSync(lockFileOf(file), then, then)
}

async function refused(file: string): Promise<CheckpointError> {
  const error = await CheckpointLock.take(file, 'local').catch((e: unknown) => e)
  expect(CheckpointError.isInstance(error)).toBe(true)
  return error as CheckpointError
}

describe('checkpoint locks whose holder cannot be checked from here: taken over once not refreshed for 10 minutes', () => {
  it.runIf(me.ns !== undefined)('a lock of a replay in another pid namespace (a container killed) is taken over after 10 minutes, not after 1', async () => {
    const file = checkpoint()
    const other = `${process.ppid} ${TOKEN} ${me.boot} 12345 pid:[4026500001] 0\n`
    expect('pid:[4026500001]').not.toBe(me.ns)
    leaveLock(file, other, MINUTE)
    const error = await refused(file)
    expect(error.message).toContain(`in use by process ${process.ppid} in another pid namespace (pid:[4026500001]`)
    expect(error.message).toContain('if no replay runs there any more, the lock is taken over once it has not been refreshed for 10 minutes')
    expect(error.message).not.toContain('delete')
    expect(fs.readFileSync(lockFileOf(file), 'utf8')).toBe(other)
    expect(await lockedByOtherProcess(file)).toBe(true)
    leaveLock(file, other, 11 * MINUTE)
    expect(await lockedByOtherProcess(file)).toBe(false)
    const lock = await CheckpointLock.take(file, 'local')
    expect(fs.readFileSync(lockFileOf(file), 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f-]{36} `))
    await lock.release()
    expect(fs.readdirSync(path.dirname(file))).toEqual([])
  })

  it.runIf(fs.existsSync('/proc/self/stat'))('a lock of this very process with a token no replay here holds (a worker thread terminated during its replay) is taken over after 10 minutes, not before', async () => {
    const file = checkpoint()
    const theirs = `${process.pid} ${TOKEN} ${me.boot} ${me.start} ${me.ns ?? '-'} 7\n`
    leaveLock(file, theirs, 0)
    const error = await refused(file)
    expect(error.message).toContain('in use by another replay in this process (worker thread 7)')
    expect(error.message).toContain('a lock of a worker thread terminated during its replay is taken over once it has not been refreshed for 10 minutes')
    expect(error.message).not.toContain('delete')
    leaveLock(file, theirs, 11 * MINUTE)
    const lock = await CheckpointLock.take(file, 'local')
    expect(fs.readFileSync(lockFileOf(file), 'utf8')).not.toContain(TOKEN)
    await lock.release()
    expect(fs.existsSync(lockFileOf(file))).toBe(false)
  })

  it('a held lock has its mtime refreshed until it is released; a second take is refused meanwhile', async () => {
    const file = checkpoint()
    const lock = await CheckpointLock.take(file, 'local', { refreshMs: 20 })
    const old = new Date(Date.now() - 30 * MINUTE)
    fs.utimesSync(lockFileOf(file), old, old)
    const deadline = Date.now() + 5000
    while (Date.now() - fs.statSync(lockFileOf(file)).mtimeMs > MINUTE && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(Date.now() - fs.statSync(lockFileOf(file)).mtimeMs).toBeLessThan(MINUTE)
    expect((await refused(file)).message).toContain('in use by another replay in this process (this thread)')
    await lock.release()
    expect(fs.existsSync(lockFileOf(file))).toBe(false)
  })
})

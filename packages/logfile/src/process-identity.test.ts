import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatIdentity, identityAlive, isThisProcess, ownIdentity, parseIdentity } from './process-identity.js'

const startOf = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!

describe('process identity', () => {
  it('this process: pid, start time and boot id from /proc, written and read back', () => {
    const me = ownIdentity()
    expect(me).toMatchObject({ pid: process.pid, start: startOf(process.pid), boot: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() })
    const [pid, boot, start, ns] = formatIdentity(me).split(' ')
    expect(parseIdentity(pid, boot, start, ns)).toEqual(me)
    expect(isThisProcess(me)).toBe(true)
    expect(isThisProcess({ ...me, start: '1' })).toBe(false)
    expect(isThisProcess({ pid: process.pid })).toBe(false) // a pid only: an earlier process may have had it
    expect(parseIdentity('12', '-', '', undefined)).toEqual({ pid: 12, boot: undefined, start: undefined, ns: undefined })
    expect(parseIdentity('x', undefined, undefined, undefined).pid).toBeNaN()
  })

  it('another process is alive only as the very same process: its pid, start time and boot', () => {
    const parent = { ...ownIdentity(), pid: process.ppid, start: startOf(process.ppid) }
    expect(identityAlive(parent)).toBe(true)
    expect(identityAlive({ pid: process.ppid })).toBe(true) // nothing else recorded: the pid alone decides
    expect(identityAlive({ ...parent, start: '1' })).toBe(false) // the pid was handed out again
    expect(identityAlive({ ...parent, boot: '00000000-0000-0000-0000-000000000000' })).toBe(false) // recorded before a reboot
    expect(identityAlive({ ...parent, ns: 'pid:[1]' })).toBe(true) // another pid namespace: cannot be checked here
    expect(identityAlive({ pid: spawnSync(process.execPath, ['-e', '']).pid! })).toBe(false)
  })
})

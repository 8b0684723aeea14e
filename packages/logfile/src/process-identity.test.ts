import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatProcessIdentity, inOtherPidNamespace, isThisProcess, ownProcessIdentity, parseProcessIdentity, processIdentityAlive } from './index.js'

const startOf = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!

describe.runIf(fs.existsSync('/proc/self/ns/pid'))('process identity', () => {
  it('this process: pid, start time, boot id and pid namespace from /proc, written and read back', () => {
    const me = ownProcessIdentity()
    expect(me).toEqual({
      pid: process.pid,
      start: startOf(process.pid),
      boot: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      ns: fs.readlinkSync('/proc/self/ns/pid'),
    })
    const text = formatProcessIdentity(me)
    expect(text).toBe(`${me.pid} ${me.boot} ${me.start} ${me.ns}`)
    const [pid, boot, start, ns] = text.split(' ')
    expect(parseProcessIdentity(pid, boot, start, ns)).toEqual(me)
    expect(formatProcessIdentity({ pid: 12 })).toBe('12 - - -')
    expect(parseProcessIdentity('12', '-', '', undefined)).toEqual({ pid: 12, boot: undefined, start: undefined, ns: undefined })
    for (const word of ['x', '', '0x10', '1e3', '-1', undefined]) expect(parseProcessIdentity(word).pid, String(word)).toBeNaN()
  })

  it('isThisProcess: our pid and start time (boot where known); without a start time only a file written since we started', () => {
    const me = ownProcessIdentity()
    expect(isThisProcess(me)).toBe(true)
    expect(isThisProcess({ ...me, start: '1' })).toBe(false)
    expect(isThisProcess({ ...me, boot: '00000000-0000-0000-0000-000000000000' })).toBe(false)
    expect(isThisProcess({ ...me, pid: process.ppid })).toBe(false)
    expect(isThisProcess({ pid: process.pid })).toBe(false) // a pid only: an earlier process may have had it
    expect(isThisProcess({ pid: process.pid }, { writtenAgoMs: 0 })).toBe(true) // written since we started
    expect(isThisProcess({ pid: process.pid }, { writtenAgoMs: process.uptime() * 1000 + 60_000 })).toBe(false) // before
    expect(isThisProcess({ ...me, start: '1' }, { writtenAgoMs: 0 })).toBe(false) // start times decide where both are known
  })

  it('another process is alive only as the very same process: its pid, start time and boot', () => {
    const parent = { ...ownProcessIdentity(), pid: process.ppid, start: startOf(process.ppid) }
    expect(processIdentityAlive(parent)).toBe(true)
    expect(processIdentityAlive({ pid: process.ppid })).toBe(true) // nothing else recorded: the pid alone decides
    expect(processIdentityAlive({ ...parent, start: '1' })).toBe(false) // the pid was handed out again
    expect(processIdentityAlive({ ...parent, boot: '00000000-0000-0000-0000-000000000000' })).toBe(false) // recorded before a reboot
    expect(processIdentityAlive({ ...parent, ns: 'pid:[1]' })).toBe(true) // another pid namespace: cannot be checked here
    expect(inOtherPidNamespace({ ...parent, ns: 'pid:[1]' })).toBe(true)
    expect(inOtherPidNamespace(parent)).toBe(false)
    expect(inOtherPidNamespace({ pid: 1 })).toBe(false)
    expect(processIdentityAlive({ pid: deadPid() })).toBe(false)
    expect(processIdentityAlive(ownProcessIdentity())).toBe(true)
    expect(processIdentityAlive({ ...ownProcessIdentity(), start: '1' })).toBe(false) // our pid, an earlier process
  })

  it('a pid that is not a positive whole number (0 and -1 name process groups to kill()) is never alive', () => {
    const { boot, ns } = ownProcessIdentity()
    for (const pid of [0, -1, -process.pid, NaN, 1.5, 2 ** 53]) {
      expect(processIdentityAlive({ pid }), String(pid)).toBe(false)
      expect(processIdentityAlive({ pid, boot, ns }), String(pid)).toBe(false)
      expect(processIdentityAlive({ pid, boot }, { pidOnlyWithoutNamespace: true }), String(pid)).toBe(false)
    }
    expect(processIdentityAlive(parseProcessIdentity('0', boot, '123', ns))).toBe(false)
  })

  it('pidOnlyWithoutNamespace: a file without a pid namespace is judged by its pid alone', () => {
    const { boot } = ownProcessIdentity()
    const reused = { pid: process.ppid, boot, start: '1' } // no ns: a file of an older version
    expect(processIdentityAlive(reused)).toBe(false)
    expect(processIdentityAlive(reused, { pidOnlyWithoutNamespace: true })).toBe(true)
    expect(processIdentityAlive({ pid: process.pid, boot, start: '1' }, { pidOnlyWithoutNamespace: true })).toBe(true)
    expect(processIdentityAlive({ pid: deadPid(), boot }, { pidOnlyWithoutNamespace: true })).toBe(false)
    expect(processIdentityAlive({ ...reused, boot: '00000000-0000-0000-0000-000000000000' }, { pidOnlyWithoutNamespace: true })).toBe(false) // another boot still decides
    // With a namespace on both sides the option changes nothing.
    expect(processIdentityAlive({ ...reused, ns: ownProcessIdentity().ns }, { pidOnlyWithoutNamespace: true })).toBe(false)
  })
})

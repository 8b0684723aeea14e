import fs from 'node:fs'

/**
 * A process as files record their owner: the pid, which the OS hands out again
 * (after a reboot, or to a container's script restarted as the same pid), and,
 * where the OS tells them (Linux `/proc`), the boot id, the process's start
 * time (clock ticks after boot), which a reused pid does not share, and its pid
 * namespace (`pid:[4026531836]`): a pid means a process only inside its
 * namespace (a container has its own, the boot id is the same in all of them).
 */
export interface ProcessIdentity {
  pid: number
  boot?: string | undefined
  start?: string | undefined
  ns?: string | undefined
}

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** Field 22 (`starttime`) of /proc/<pid>/stat; undefined where there is none. */
export function startTimeOf(pid: number | 'self'): string | undefined {
  const stat = read(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 2 (the command name, in parentheses) may hold spaces: count from after it (field 3).
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  return start !== undefined && /^\d+$/.test(start) ? start : undefined
}

/** This process's pid namespace (`pid:[<inode>]`); undefined where the OS does not tell it. */
function ownPidNamespace(): string | undefined {
  try {
    const ns = fs.readlinkSync('/proc/self/ns/pid')
    return /^\S+$/.test(ns) ? ns : undefined
  } catch {
    return undefined
  }
}

let self: ProcessIdentity | undefined

/** This process (read once). */
export function ownIdentity(): ProcessIdentity {
  if (self === undefined) {
    const boot = read('/proc/sys/kernel/random/boot_id')?.trim()
    self = { pid: process.pid, boot: boot === '' ? undefined : boot, start: startTimeOf('self'), ns: ownPidNamespace() }
  }
  return self
}

/** `pid boot start ns` as files keep it (`-` for what the OS does not tell). */
export function formatIdentity(id: ProcessIdentity): string {
  return `${id.pid} ${id.boot ?? '-'} ${id.start ?? '-'} ${id.ns ?? '-'}`
}

/** The identity of `pid` read from `boot`, `start` and `ns` as formatIdentity() wrote them (older files lack some or all). */
export function parseIdentity(pid: number, boot: string | undefined, start: string | undefined, ns?: string | undefined): ProcessIdentity {
  const known = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v)
  return { pid, boot: known(boot), start: known(start), ns: known(ns) }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * True while the process `owner` describes may still run. Another boot id: the
 * machine was restarted since, the process is gone. Its pid and start time say
 * something only in the pid namespace they were read in: in another one (a
 * container sharing the spool folder with the host, or another container) the
 * same pid is another process, or none, while the owner may well run, so such
 * an owner counts as alive. Without a namespace (an older file, an OS without
 * /proc) the pid alone decides, as older versions did: alive while any process
 * has it. In our namespace only the very same process is alive (this process
 * included: a file of our pid but another start time is a previous run's).
 */
export function identityAlive(owner: ProcessIdentity): boolean {
  const me = ownIdentity()
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return false
  if (owner.ns === undefined || me.ns === undefined) return owner.pid === me.pid || pidAlive(owner.pid)
  if (owner.ns !== me.ns) return true
  if (owner.pid === me.pid) return owner.start === undefined || me.start === undefined || owner.start === me.start
  if (!pidAlive(owner.pid)) return false
  if (owner.start === undefined) return true
  const now = startTimeOf(owner.pid)
  return now === undefined || now === owner.start
}

/** True when `owner` was recorded in this process's pid namespace (so its pid and start time can be checked here). */
export function sameNamespace(owner: ProcessIdentity): boolean {
  const me = ownIdentity()
  return owner.ns !== undefined && me.ns !== undefined && owner.ns === me.ns
}

import fs from 'node:fs'

/**
 * A process as files record their owner: the pid, which the OS hands out again
 * (after a reboot, or to a container's script restarted as the same pid), and,
 * where the OS tells them (Linux `/proc`), the boot id and the process's start
 * time (clock ticks after boot), which a reused pid does not share.
 */
export interface ProcessIdentity {
  pid: number
  boot?: string | undefined
  start?: string | undefined
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

let self: ProcessIdentity | undefined

/** This process (read once). */
export function ownIdentity(): ProcessIdentity {
  if (self === undefined) {
    const boot = read('/proc/sys/kernel/random/boot_id')?.trim()
    self = { pid: process.pid, boot: boot === '' ? undefined : boot, start: startTimeOf('self') }
  }
  return self
}

/** `pid boot start` as files keep it (`-` for what the OS does not tell). */
export function formatIdentity(id: ProcessIdentity): string {
  return `${id.pid} ${id.boot ?? '-'} ${id.start ?? '-'}`
}

/** The identity of `pid` read from `boot` and `start` as formatIdentity() wrote them (older files have neither). */
export function parseIdentity(pid: number, boot: string | undefined, start: string | undefined): ProcessIdentity {
  const known = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v)
  return { pid, boot: known(boot), start: known(start) }
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
 * True while the process `owner` describes may still run. A pid alone (an
 * older file, or an OS without /proc) is alive while any process has it; with
 * the boot id and start time, only the very same process is (this process
 * included: a file of our pid but another start time is a previous run's).
 */
export function identityAlive(owner: ProcessIdentity): boolean {
  const me = ownIdentity()
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return false
  if (owner.pid === me.pid) return owner.start === undefined || me.start === undefined || owner.start === me.start
  if (!pidAlive(owner.pid)) return false
  if (owner.start === undefined) return true
  const now = startTimeOf(owner.pid)
  return now === undefined || now === owner.start
}

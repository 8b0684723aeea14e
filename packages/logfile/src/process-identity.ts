import fs from 'node:fs'

/**
 * A process as a file records its owner (a compression claim): the pid,
 * which the OS hands out again (after a reboot, to a container's PID 1
 * restarted, to a boot service), and, where the OS tells them (Linux
 * `/proc`), the boot id, the process's start time (clock ticks after boot),
 * which a reused pid does not share, and its pid namespace
 * (`pid:[4026531836]`): a pid means a process only inside its namespace (a
 * container has its own; the boot id is the same in all of them).
 *
 * The same check as the writer's spool locks and replay's checkpoint locks
 * (each package keeps its own copy: none may import another's internals).
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
function startTimeOf(pid: number | 'self'): string | undefined {
  const stat = read(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  // Field 2 (the command name, in parentheses) may hold spaces: count from after it (field 3).
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  return start !== undefined && /^\d+$/.test(start) ? start : undefined
}

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

/** `pid boot start ns` (`-` for what the OS does not tell). */
export function formatIdentity(id: ProcessIdentity): string {
  return `${id.pid} ${id.boot ?? '-'} ${id.start ?? '-'} ${id.ns ?? '-'}`
}

/** The identity formatIdentity() wrote, from its words; pid NaN for text that is not one. */
export function parseIdentity(pid: string | undefined, boot: string | undefined, start: string | undefined, ns: string | undefined): ProcessIdentity {
  const known = (v: string | undefined) => (v === undefined || v === '' || v === '-' ? undefined : v)
  return { pid: pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : NaN, boot: known(boot), start: known(start), ns: known(ns) }
}

/** Whether process `pid` exists in our pid namespace (EPERM: it does, as another user). */
function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when `owner` is this very process: our pid and start time, and boot id where both are known. */
export function isThisProcess(owner: ProcessIdentity): boolean {
  const me = ownIdentity()
  if (owner.pid !== me.pid || owner.start === undefined || me.start === undefined || owner.start !== me.start) return false
  return owner.boot === undefined || me.boot === undefined || owner.boot === me.boot
}

/** True when `owner`'s pid means a process here: recorded in our pid namespace, or where none was recorded. */
export function ourNamespace(owner: ProcessIdentity): boolean {
  const me = ownIdentity()
  return owner.ns === undefined || me.ns === undefined || owner.ns === me.ns
}

/**
 * True while the process `owner` describes may still run. Another boot id:
 * the machine was restarted since. Another pid namespace: it cannot be
 * checked here, so it counts as alive. In ours, only the very same process is
 * alive (same pid and start time): a pid handed out again is not. Without a
 * start time (no /proc) the pid alone decides. Our own pid is for the caller
 * to judge (whether this process holds what the file records).
 */
export function identityAlive(owner: ProcessIdentity): boolean {
  const me = ownIdentity()
  if (owner.boot !== undefined && me.boot !== undefined && owner.boot !== me.boot) return false
  if (!ourNamespace(owner)) return true
  if (!pidAlive(owner.pid)) return false
  if (owner.start === undefined) return true
  const now = startTimeOf(owner.pid)
  return now === undefined || now === owner.start
}

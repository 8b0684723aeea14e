import fs from 'node:fs'

/** Field 22 (`starttime`) of /proc/<pid>/stat, as a process identity records it; undefined where there is none. */
export function startTimeOf(pid: number): string | undefined {
  let stat: string
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // Field 2 (the command name, in parentheses) may hold spaces: count from after it (field 3).
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}

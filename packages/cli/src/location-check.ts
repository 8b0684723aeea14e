import fs from 'node:fs/promises'
import path from 'node:path'
import { formatBytes } from './format.js'

export interface LocationReport {
  /** "logfile", "spool", "errors file". */
  what: string
  /** As configured (a logfile path keeps its %Y %m %d fields). */
  path: string
  /** The directory that holds it (the part before any strftime field). */
  directory: string
  exists: boolean
  /** This user may write there (or create it in its nearest existing parent). */
  writable: boolean
  /** Free space for this user on that file system; undefined if it could not be read. */
  freeBytes: number | undefined
  ok: boolean
  detail: string
}

/** Below this much free space the report warns (the logfile is the record of truth). */
const LOW_SPACE = 100 * 1000 * 1000

/**
 * Where something will be written: does its directory exist, can this user
 * write (or create) it, and how much space is free there (fs.statfs).
 * `target` is a file (its directory is checked) unless `isDirectory`.
 */
export async function checkLocation(what: string, target: string, isDirectory: boolean): Promise<LocationReport> {
  const directory = staticDirectory(target, isDirectory)
  const existing = await nearestExisting(directory)
  // A file where a directory should be is in the way whoever runs it: say that, not "not writable by this user".
  const isFile = !(await isDirectoryPath(existing))
  const exists = existing === directory && !isFile
  const writable = !isFile && (await canWrite(existing))
  let freeBytes: number | undefined
  try {
    const stats = await fs.statfs(existing)
    freeBytes = stats.bavail * stats.bsize
  } catch {
    freeBytes = undefined
  }
  const parts = isFile
    ? [existing === directory ? `${directory} is a file, not a directory` : `${existing} is a file, not a directory: ${directory} cannot be created in it`]
    : [exists ? `${directory} exists` : `${directory} will be created (in ${existing})`, writable ? 'writable' : `NOT writable by this user (${existing})`]
  if (freeBytes !== undefined) parts.push(`${formatBytes(freeBytes)} free${freeBytes < LOW_SPACE ? ' (LOW)' : ''}`)
  const ok = writable && freeBytes !== 0
  return { what, path: target, directory, exists, writable, freeBytes, ok, detail: parts.join(', ') }
}

/** The directory part that does not depend on the time: `/var/log/eht/%Y/%m/day.jsonl` -> `/var/log/eht`. */
export function staticDirectory(target: string, isDirectory: boolean): string {
  const resolved = path.resolve(target)
  const parts = resolved.split(path.sep)
  const firstField = parts.findIndex((p) => p.includes('%'))
  const kept = firstField < 0 ? (isDirectory ? parts : parts.slice(0, -1)) : parts.slice(0, firstField)
  return kept.join(path.sep) || path.sep
}

async function nearestExisting(directory: string): Promise<string> {
  let current = directory
  for (;;) {
    try {
      await fs.stat(current)
      return current
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return current
      current = parent
    }
  }
}

async function isDirectoryPath(target: string): Promise<boolean> {
  try {
    return (await fs.stat(target)).isDirectory()
  } catch {
    return true // gone meanwhile: canWrite() decides
  }
}

async function canWrite(directory: string): Promise<boolean> {
  try {
    await fs.access(directory, fs.constants.W_OK | fs.constants.X_OK)
    return (await fs.stat(directory)).isDirectory()
  } catch {
    return false
  }
}

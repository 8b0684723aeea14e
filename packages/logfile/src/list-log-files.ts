import fs from 'node:fs'
import path from 'node:path'
import { LogReadError } from './errors.js'
import { counterSortKey, isGzipPath } from './file-naming.js'
import { formatFromPath } from './formats.js'
import { globToRegExp, isGlob, splitGlob } from './glob.js'

const collator = new Intl.Collator('en', { numeric: true })

/** The stat of `file`, or undefined when there is none (also below a regular file: `notes.txt/x.jsonl`). */
async function statOrUndefined(file: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw error
  }
}

/** The stat of an entry met while walking: undefined for a dangling symlink, and for one that loops (ELOOP: `a -> b -> a`). */
async function entryStat(file: string): Promise<fs.Stats | undefined> {
  try {
    return await statOrUndefined(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return undefined
    throw error
  }
}

/**
 * Every file below `dir` (following symlinks), as `/`-separated paths relative to it.
 * A directory that is one of its own ancestors on the path walked (by device and
 * inode: a symlink to a directory above, `sub/up -> ..`) is a loop and is not walked
 * again. Any other directory is walked under each of its names (`data/kp -> archive`
 * beside `data/archive`), so that a glob through either name finds its files; a file
 * reached twice is listed once by listLogFiles.
 */
async function walk(dir: string, prefix = '', ancestors: ReadonlySet<string> = new Set()): Promise<string[]> {
  const self = await fs.promises.stat(path.join(dir, prefix))
  const id = `${self.dev}:${self.ino}`
  if (ancestors.has(id)) return []
  const onPath = new Set(ancestors).add(id)
  const out: string[] = []
  for (const entry of await fs.promises.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    const kind = entry.isSymbolicLink() ? await entryStat(path.join(dir, rel)) : entry
    if (kind?.isDirectory()) out.push(...(await walk(dir, rel, onPath)))
    else if (kind?.isFile()) out.push(rel)
  }
  return out
}

/** The files of one input, and whether it named a file itself (kept whatever its extension). */
async function expand(input: string): Promise<{ files: string[]; explicit: boolean }> {
  // A path that exists is taken as it is, even with glob characters in it (a directory `run[1]`).
  let stat: fs.Stats | undefined
  try {
    stat = await statOrUndefined(input)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error
    throw new LogReadError(`cannot read ${input}: a symlink loop (ELOOP)`, input, { cause: error })
  }
  if (stat === undefined && isGlob(input)) {
    const { base, rest } = splitGlob(input.split(path.sep).join('/'))
    if ((await statOrUndefined(base))?.isDirectory() !== true) return { files: [], explicit: false }
    const pattern = globToRegExp(rest)
    return { files: (await walk(base)).filter((rel) => pattern.test(rel)).map((rel) => path.join(base, rel)), explicit: false }
  }
  if (stat === undefined) throw new LogReadError(`no such file or directory: ${input}`, input)
  if (stat.isDirectory()) return { files: (await walk(input)).map((rel) => path.join(input, rel)), explicit: false }
  return { files: [input], explicit: stat.isFile() }
}

/**
 * The logfiles named by files, directories (searched recursively) and globs
 * (`*`, `?`, `**`, `[...]`; a path that exists is never read as a glob), as absolute paths, without duplicates, in natural
 * order (`x.2.jsonl` before `x.10.jsonl`), a name before its numbered successors (`x.jsonl`,
 * `x.1.jsonl`: readers keep this order for records of equal time). Directories and globs yield only
 * files with a logfile extension (`.jsonl`, `.csv`, `.lp`, optionally `.gz`); a
 * `.gz` is left out when its plain file is there too (a compression that was
 * interrupted). A file reached under several names (symlinks) is listed once: under its real
 * name (no symlink in the path) when that is among them, else under the first;
 * a symlink loop is skipped like a dangling link. A missing file or directory is a `LogReadError`; a glob may match nothing.
 */
export async function listLogFiles(inputs: string | readonly string[]): Promise<string[]> {
  const list = typeof inputs === 'string' ? [inputs] : inputs
  const found = new Set<string>()
  for (const input of list) {
    const { files, explicit } = await expand(input)
    for (const file of files) {
      if (explicit || formatFromPath(file) !== undefined) found.add(path.resolve(file))
    }
  }
  const sorted = [...found]
    .filter((file) => !(isGzipPath(file) && found.has(file.slice(0, -3))))
    .map((file) => ({ file, key: counterSortKey(file) }))
    .sort((a, b) => collator.compare(a.key, b.key) || collator.compare(a.file, b.file))
    .map(({ file }) => file)
  // One file under two names (a symlink `current.jsonl` beside its target, a directory linked
  // beside itself) is read once, under its own name where one of the names is that (no symlink
  // in it): a link such as `current.jsonl` moves to the next day's file, and the name a file is
  // read under must not change with it (replay keys its checkpoints by path; records of equal
  // time keep the order of the names). Else under the first of its names in this order.
  const realOf = new Map<string, string>()
  const kept = new Map<string, string>()
  for (const file of sorted) {
    const target = await fs.promises.realpath(file).catch(() => file)
    realOf.set(file, target)
    if (!kept.has(target) || file === target) kept.set(target, file)
  }
  return sorted.filter((file) => kept.get(realOf.get(file)!) === file)
}

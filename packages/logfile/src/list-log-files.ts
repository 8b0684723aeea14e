import fs from 'node:fs'
import path from 'node:path'
import { LogReadError } from './errors.js'
import { formatFromPath } from './formats.js'
import { globToRegExp, isGlob, splitGlob } from './glob.js'

const collator = new Intl.Collator('en', { numeric: true })

async function statOrUndefined(file: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Every file below `dir` (following symlinks), as `/`-separated paths relative to it. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await fs.promises.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    const kind = entry.isSymbolicLink() ? await statOrUndefined(path.join(dir, rel)) : entry
    if (kind?.isDirectory()) out.push(...(await walk(dir, rel)))
    else if (kind?.isFile()) out.push(rel)
  }
  return out
}

async function expand(input: string): Promise<string[]> {
  if (isGlob(input)) {
    const { base, rest } = splitGlob(input.split(path.sep).join('/'))
    if ((await statOrUndefined(base))?.isDirectory() !== true) return []
    const pattern = globToRegExp(rest)
    return (await walk(base)).filter((rel) => pattern.test(rel)).map((rel) => path.join(base, rel))
  }
  const stat = await statOrUndefined(input)
  if (stat === undefined) throw new LogReadError(`no such file or directory: ${input}`, input)
  if (stat.isDirectory()) return (await walk(input)).map((rel) => path.join(input, rel))
  return [input]
}

/**
 * The logfiles named by files, directories (searched recursively) and globs
 * (`*`, `?`, `**`, `[...]`), as absolute paths, without duplicates, in natural
 * order (`x.2.jsonl` before `x.10.jsonl`). Directories and globs yield only
 * files with a logfile extension (`.jsonl`, `.csv`, `.lp`, optionally `.gz`); a
 * `.gz` is left out when its plain file is there too (a compression that was
 * interrupted). A missing file or directory is a `LogReadError`; a glob may match nothing.
 */
export async function listLogFiles(inputs: string | readonly string[]): Promise<string[]> {
  const list = typeof inputs === 'string' ? [inputs] : inputs
  const found = new Set<string>()
  for (const input of list) {
    const explicit = !isGlob(input) && (await statOrUndefined(input))?.isFile() === true
    for (const file of await expand(input)) {
      if (explicit || formatFromPath(file) !== undefined) found.add(path.resolve(file))
    }
  }
  return [...found].filter((file) => !(file.endsWith('.gz') && found.has(file.slice(0, -3)))).sort(collator.compare)
}

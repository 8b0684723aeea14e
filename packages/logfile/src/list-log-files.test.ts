import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LogReadError } from './errors.js'
import { listLogFiles } from './list-log-files.js'

let dir: string
const touch = (...names: string[]) => {
  for (const name of names) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), '')
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-logfile-list-'))
  touch('Kp.jsonl', 'Kp.2.jsonl', 'Kp.10.jsonl', 'Kp.1.jsonl.gz', 'Kp.2.jsonl.gz', 'notes.txt', 'Kp.jsonl.gz.tmp-1-ab', '2024/01/Pv.csv', '2024/02/Pv.lp.gz', 'other/station.log')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const rel = (files: string[]) => files.map((f) => path.relative(dir, f))

describe('listLogFiles', () => {
  it('lists a directory recursively: logfile extensions only, natural order (a name before its numbered successors), a .gz dropped when its plain file is there', async () => {
    expect(rel(await listLogFiles(dir))).toEqual(['2024/01/Pv.csv', '2024/02/Pv.lp.gz', 'Kp.jsonl', 'Kp.1.jsonl.gz', 'Kp.2.jsonl', 'Kp.10.jsonl'])
  })

  it('expands globs and merges several inputs without duplicates, as absolute paths', async () => {
    const files = await listLogFiles([path.join(dir, 'Kp*.jsonl*'), path.join(dir, '**/Pv.*'), path.join(dir, 'Kp.jsonl')])
    expect(files.every((f) => path.isAbsolute(f))).toBe(true)
    expect(rel(files)).toEqual(['2024/01/Pv.csv', '2024/02/Pv.lp.gz', 'Kp.jsonl', 'Kp.1.jsonl.gz', 'Kp.2.jsonl', 'Kp.10.jsonl'])
  })

  it('puts a name (counter 0) before its numbered successors, plain or .gz, also when the name holds a date', async () => {
    const names = ['Kp-20240102.jsonl', 'Kp-20240101.2.jsonl', 'Kp-20240101.1.jsonl.gz', 'Kp-20240101.jsonl.gz', 'Kp.20240101.1.lp', 'Kp.20240101.lp', 'Kp.20240102.lp', 'Kp.lp.gz', 'Kp.1.lp']
    touch(...names.map((n) => `counted/${n}`))
    expect(rel(await listLogFiles(path.join(dir, 'counted'))).map((f) => path.basename(f))).toEqual([
      'Kp-20240101.jsonl.gz',
      'Kp-20240101.1.jsonl.gz',
      'Kp-20240101.2.jsonl',
      'Kp-20240102.jsonl',
      'Kp.lp.gz',
      'Kp.1.lp',
      'Kp.20240101.lp',
      'Kp.20240101.1.lp',
      'Kp.20240102.lp',
    ])
    fs.rmSync(path.join(dir, 'counted'), { recursive: true })
  })

  it('keeps a file named explicitly whatever its extension; a glob may match nothing', async () => {
    expect(rel(await listLogFiles(path.join(dir, 'other/station.log')))).toEqual(['other/station.log'])
    expect(await listLogFiles(path.join(dir, 'nothing-*.jsonl'))).toEqual([])
    expect(await listLogFiles(path.join(dir, 'missing-dir/*.jsonl'))).toEqual([])
    // Below a regular file (the path's stat fails with ENOTDIR): still nothing, no error.
    expect(await listLogFiles(path.join(dir, 'notes.txt/*.jsonl'))).toEqual([])
  })

  it('takes a path that exists as it is, even with glob characters in it', async () => {
    touch('run[1]/Kp.jsonl', 'run[1]/notes.txt', 'run1/Kp.jsonl', 'a?b*/Pv.csv')
    expect(rel(await listLogFiles(path.join(dir, 'run[1]')))).toEqual(['run[1]/Kp.jsonl'])
    expect(rel(await listLogFiles(path.join(dir, 'run[1]/Kp.jsonl')))).toEqual(['run[1]/Kp.jsonl'])
    expect(rel(await listLogFiles(path.join(dir, 'a?b*')))).toEqual(['a?b*/Pv.csv'])
    expect(rel(await listLogFiles(path.join(dir, 'run[1]/notes.txt')))).toEqual(['run[1]/notes.txt'])
    // A path that does not exist is still a glob: `run[1]` matches run1.
    expect(rel(await listLogFiles(path.join(dir, 'run[1]/*.jsonl')))).toEqual(['run1/Kp.jsonl'])
    for (const name of ['run[1]', 'run1', 'a?b*']) fs.rmSync(path.join(dir, name), { recursive: true })
  })

  it('fails with LogReadError naming a missing file or directory', async () => {
    const missing = path.join(dir, 'gone.jsonl')
    await expect(listLogFiles([path.join(dir, 'Kp.jsonl'), missing])).rejects.toSatisfy((e: unknown) => LogReadError.isInstance(e) && (e as LogReadError).path === missing)
    const belowFile = path.join(dir, 'notes.txt', 'Kp.jsonl')
    await expect(listLogFiles(belowFile)).rejects.toSatisfy((e: unknown) => LogReadError.isInstance(e) && (e as LogReadError).path === belowFile)
  })

  it('lists a file reached under several names (symlinks, a link to a directory above) once, under its real name, and skips symlink loops', async () => {
    touch('linked/Kp-20240101.jsonl', 'linked/sub/Pv.jsonl')
    const linked = (name: string) => path.join(dir, 'linked', name)
    fs.symlinkSync('Kp-20240101.jsonl', linked('current.jsonl'))
    fs.symlinkSync('..', linked('sub/up'))
    fs.symlinkSync('../Kp-20240101.jsonl', linked('sub/same.jsonl'))
    fs.symlinkSync('loop-b.jsonl', linked('loop-a.jsonl'))
    fs.symlinkSync('loop-a.jsonl', linked('loop-b.jsonl'))
    fs.symlinkSync('self', linked('self'))
    fs.symlinkSync('missing.jsonl', linked('dangling.jsonl'))
    const files = await listLogFiles(path.join(dir, 'linked'))
    // current.jsonl sorts first, but the file is listed under its own name: that name stays when current.jsonl moves on.
    expect(rel(files)).toEqual(['linked/Kp-20240101.jsonl', 'linked/sub/Pv.jsonl'])
    expect(rel(await listLogFiles([path.join(dir, 'linked/current.jsonl'), path.join(dir, 'linked/**/*.jsonl')]))).toEqual(['linked/Kp-20240101.jsonl', 'linked/sub/Pv.jsonl'])
    // Only symlinks: the first name in order.
    expect(rel(await listLogFiles([path.join(dir, 'linked/current.jsonl'), path.join(dir, 'linked/sub/same.jsonl')]))).toEqual(['linked/current.jsonl'])
    // The next day: current.jsonl moves to the new file, the day before keeps its name.
    touch('linked/Kp-20240102.jsonl')
    fs.rmSync(linked('current.jsonl'))
    fs.symlinkSync('Kp-20240102.jsonl', linked('current.jsonl'))
    expect(rel(await listLogFiles(path.join(dir, 'linked')))).toEqual(['linked/Kp-20240101.jsonl', 'linked/Kp-20240102.jsonl', 'linked/sub/Pv.jsonl'])
    const loop = linked('loop-a.jsonl')
    await expect(listLogFiles(loop)).rejects.toSatisfy((e: unknown) => LogReadError.isInstance(e) && (e as LogReadError).path === loop && /symlink loop/.test((e as Error).message))
    fs.rmSync(path.join(dir, 'linked'), { recursive: true })
  })

  it('finds files by a glob through a symlinked directory, also when the directory it links to is walked too', async () => {
    touch('globbed/data/archive/Kp.2024-05-01.jsonl')
    fs.symlinkSync('archive', path.join(dir, 'globbed/data/kp'))
    expect(rel(await listLogFiles(path.join(dir, 'globbed/data/k*/*.jsonl')))).toEqual(['globbed/data/kp/Kp.2024-05-01.jsonl'])
    expect(rel(await listLogFiles(path.join(dir, 'globbed/data/*/Kp*.jsonl')))).toEqual(['globbed/data/archive/Kp.2024-05-01.jsonl'])
    // A diamond (two links to one directory, neither above the other) is no loop: both names are walked.
    fs.symlinkSync('archive', path.join(dir, 'globbed/data/kp2'))
    expect(rel(await listLogFiles(path.join(dir, 'globbed/data/kp2/*.jsonl')))).toEqual(['globbed/data/kp2/Kp.2024-05-01.jsonl'])
    expect(rel(await listLogFiles(path.join(dir, 'globbed/**/kp2/*.jsonl')))).toEqual(['globbed/data/kp2/Kp.2024-05-01.jsonl'])
    fs.rmSync(path.join(dir, 'globbed'), { recursive: true })
  })

  it('reads the .gz extension in any case, as the others', async () => {
    touch('upper/Kp.1.JSONL.GZ', 'upper/Pv.lp.Gz', 'upper/Kp.JSONL')
    expect(rel(await listLogFiles(path.join(dir, 'upper')))).toEqual(['upper/Kp.JSONL', 'upper/Kp.1.JSONL.GZ', 'upper/Pv.lp.Gz'])
    fs.rmSync(path.join(dir, 'upper'), { recursive: true })
  })
})

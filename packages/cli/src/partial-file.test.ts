import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { ownProcessIdentity } from '@eht-influx-client/logfile'
import { afterAll, describe, expect, it } from 'vitest'
import { openFileSink } from './file-sink.js'
import { hostWord, partialPath, removeDeadPartials, UNCHECKABLE_PARTIAL_MS } from './partial-file.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-partial-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const freshDir = () => fs.mkdtempSync(path.join(root, 'd-'))

/** The name partialPath() gives a process of this identity (start time and namespace as /proc tells them) on `host` (default: this one). */
function partialOf(target: string, id: { pid: number; start?: string | undefined; boot?: string | undefined; ns?: string | undefined }, random = 'deadbeef', host: string | null = hostWord()): string {
  const boot = id.boot?.replaceAll('-', '').slice(0, 8) ?? 'x'
  const ns = /^pid:\[(\d+)\]$/.exec(id.ns ?? '')?.[1] ?? 'x'
  const owner = `${id.pid}-${id.start ?? 'x'}-${boot}-${ns}-${random}`
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${host === null ? '' : `${host}-`}${owner}`)
}

/** Makes `file` look last changed `ms` ago. */
function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms)
  fs.utimesSync(file, then, then)
}

/** No process has this pid (above any pid_max): its owner is gone. */
const GONE_PID = 999_999_999

describe('partial files', () => {
  it('are named for this host and process (pid, start time, boot, namespace) plus a random part: two of the same output differ', async () => {
    const target = path.join(freshDir(), 'dump.lp')
    const [a, b] = [await partialPath(target), await partialPath(target)]
    expect(a).not.toBe(b)
    const me = ownProcessIdentity()
    expect(hostWord()).toMatch(/^[a-z0-9_]{1,32}$/)
    expect(path.basename(a)).toMatch(new RegExp(`^\\.dump\\.lp\\.partial-${hostWord()}-${process.pid}-(${me.start ?? 'x'})-[0-9a-fx]+-[0-9x]+-[0-9a-f]{8}$`))
  })

  it('a leftover named with our own pid (a killed run of a container\'s PID 1) is not in the way; one of a gone process with our pid is removed', async () => {
    const dir = freshDir()
    const target = path.join(dir, 'conv.lp')
    const me = ownProcessIdentity()
    // The older name (the pid only) and the current one of a process that had our pid before (another start time).
    const oldName = path.join(dir, `.conv.lp.partial-${process.pid}`)
    const gone = partialOf(target, { ...me, start: String(Number(me.start ?? '1') + 1) })
    fs.writeFileSync(oldName, 'stale\n')
    fs.writeFileSync(gone, 'stale\n')
    const sink = await openFileSink(target, { overwrite: false })
    await sink.write('m v=1 1\n')
    await sink.commit()
    expect(fs.readFileSync(target, 'utf8')).toBe('m v=1 1\n')
    expect(fs.existsSync(gone)).toBe(false)
    // The pid alone cannot tell it is not ours (another pid namespace with the same pid): kept, and not in the way.
    expect(fs.readdirSync(dir).sort()).toEqual(['.conv.lp.partial-' + String(process.pid), 'conv.lp'])
  })

  it('removes the partial file of a process that is gone, never one of a live process', async () => {
    const dir = freshDir()
    const target = path.join(dir, 'dump.jsonl')
    // A live process (a child that made its partial file the way the CLI does) and this process.
    const script = `import('@eht-influx-client/logfile').then(({ formatProcessIdentity, ownProcessIdentity }) => { process.stdout.write(formatProcessIdentity(ownProcessIdentity()) + '\\n'); setInterval(() => {}, 1000) })`
    const child = spawn(process.execPath, ['-e', script], { cwd: path.dirname(new URL(import.meta.url).pathname), stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer]
      const [pid, boot, start, ns] = line.toString().trim().split(' ')
      const known = (w: string | undefined) => (w === '-' ? undefined : w)
      const childPartial = partialOf(target, { pid: Number(pid), boot: known(boot), start: known(start), ns: known(ns) })
      const ownPartial = await partialPath(target)
      const oldLive = path.join(dir, `.dump.jsonl.partial-${child.pid}`)
      for (const file of [childPartial, ownPartial, oldLive]) fs.writeFileSync(file, 'being written\n')
      // Someone else's file of another name is never touched.
      fs.writeFileSync(path.join(dir, '.dump.jsonl.partial-notours'), '')
      expect(await removeDeadPartials(target)).toEqual([])
      expect(fs.readdirSync(dir).length).toBe(4)
      child.kill('SIGKILL')
      await once(child, 'exit')
      // The older name (the pid only) cannot be told from another host's: it waits out a day unchanged.
      expect(await removeDeadPartials(target)).toEqual([childPartial])
      age(oldLive, UNCHECKABLE_PARTIAL_MS + 60_000)
      expect(await removeDeadPartials(target)).toEqual([oldLive])
      expect(fs.readdirSync(dir).sort()).toEqual(['.dump.jsonl.partial-notours', path.basename(ownPartial)].sort())
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('one of another host (a shared folder: NFS), or of an older name without the host, is kept while changed within a day, whatever its pid', async () => {
    const dir = freshDir()
    const target = path.join(dir, 'shared.lp')
    const me = ownProcessIdentity()
    // Another host's run writing the same output now: its pid means nothing here, its boot id is not ours.
    const otherHost = partialOf(target, { pid: GONE_PID, start: '12345', boot: 'feedface-0000', ns: me.ns }, 'aaaaaaaa', `not_${hostWord()}`.slice(0, 32))
    // The name of the previous version (no host): it may be another host's as well.
    const olderName = partialOf(target, { pid: GONE_PID, start: '12345', boot: me.boot, ns: me.ns }, 'bbbbbbbb', null)
    // Another machine whose name gives the same host word (two `localhost`s): told apart by its boot id only.
    const sameWord = partialOf(target, { pid: GONE_PID, start: '12345', boot: 'feedface-0000', ns: me.ns }, 'dddddddd')
    // This host, a process that is gone: removed at once.
    const ours = partialOf(target, { pid: GONE_PID, start: '12345', boot: me.boot, ns: me.ns }, 'cccccccc')
    for (const file of [otherHost, olderName, sameWord, ours]) fs.writeFileSync(file, 'being written\n')
    expect(await removeDeadPartials(target)).toEqual([ours])
    // The other hosts' runs go on: the next run here still leaves their files.
    const sink = await openFileSink(target, { overwrite: false })
    await sink.write('m v=1 1\n')
    await sink.commit()
    expect(fs.readdirSync(dir).sort()).toEqual([path.basename(otherHost), path.basename(olderName), path.basename(sameWord), 'shared.lp'].sort())
    // Unchanged for more than a day: a leftover.
    age(otherHost, UNCHECKABLE_PARTIAL_MS + 60_000)
    age(sameWord, UNCHECKABLE_PARTIAL_MS + 60_000)
    age(olderName, UNCHECKABLE_PARTIAL_MS - 60 * 60_000)
    expect((await removeDeadPartials(target)).sort()).toEqual([otherHost, sameWord].sort())
    age(olderName, UNCHECKABLE_PARTIAL_MS + 60_000)
    expect(await removeDeadPartials(target)).toEqual([olderName])
    expect(fs.readdirSync(dir)).toEqual(['shared.lp'])
  })

  it.each([205, 230, 245, 250])('an output name of %i bytes gets a partial file (its name cut, with a hash): written whole, and a dead one of it found', async (length) => {
    const dir = freshDir()
    const target = path.join(dir, `${'x'.repeat(length - 6)}.jsonl`)
    const partial = await partialPath(target)
    expect(Buffer.byteLength(path.basename(partial))).toBeLessThanOrEqual(255)
    const sink = await openFileSink(target, { overwrite: false })
    await sink.write('{"measurement":"m","fields":{"v":1}}\n')
    await sink.commit()
    expect(fs.readdirSync(dir)).toEqual([path.basename(target)])
    // A leftover of a run that is gone, named by the same rule: removed.
    const prefix = path.basename(partial).slice(0, path.basename(partial).indexOf('.partial-') + '.partial-'.length)
    const dead = path.join(dir, prefix + path.basename(partialOf(path.join(dir, 'x'), { ...ownProcessIdentity(), pid: GONE_PID })).slice('.x.partial-'.length))
    fs.writeFileSync(dead, 'stale\n')
    expect(await removeDeadPartials(target)).toEqual([dead])
  })

  it('a long name of many-byte characters is cut at a whole character; two long names differing only at the end get different partial names', async () => {
    const dir = freshDir()
    const a = path.join(dir, `${'é'.repeat(120)}a.lp`)
    const b = path.join(dir, `${'é'.repeat(120)}b.lp`)
    const [pa, pb] = [path.basename(await partialPath(a)), path.basename(await partialPath(b))]
    for (const name of [pa, pb]) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255)
      expect(name).toMatch(/^\.é+~[0-9a-f]{8}\.partial-/)
    }
    expect(pa.slice(0, pa.indexOf('.partial-'))).not.toBe(pb.slice(0, pb.indexOf('.partial-')))
  })
})

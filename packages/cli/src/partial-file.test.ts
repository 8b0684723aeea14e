import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { ownProcessIdentity } from '@eht-influx-client/logfile'
import { afterAll, describe, expect, it } from 'vitest'
import { openFileSink } from './file-sink.js'
import { partialPath, removeDeadPartials } from './partial-file.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-cli-partial-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const freshDir = () => fs.mkdtempSync(path.join(root, 'd-'))

/** The name partialPath() gives a process of this identity (start time and namespace as /proc tells them). */
function partialOf(target: string, id: { pid: number; start?: string | undefined; boot?: string | undefined; ns?: string | undefined }, random = 'deadbeef'): string {
  const boot = id.boot?.replaceAll('-', '').slice(0, 8) ?? 'x'
  const ns = /^pid:\[(\d+)\]$/.exec(id.ns ?? '')?.[1] ?? 'x'
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${id.pid}-${id.start ?? 'x'}-${boot}-${ns}-${random}`)
}

describe('partial files', () => {
  it('are named for this process (pid, start time, boot, namespace) plus a random part: two of the same output differ', async () => {
    const target = path.join(freshDir(), 'dump.lp')
    const [a, b] = [await partialPath(target), await partialPath(target)]
    expect(a).not.toBe(b)
    const me = ownProcessIdentity()
    expect(path.basename(a)).toMatch(new RegExp(`^\\.dump\\.lp\\.partial-${process.pid}-(${me.start ?? 'x'})-[0-9a-fx]+-[0-9x]+-[0-9a-f]{8}$`))
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
      expect((await removeDeadPartials(target)).sort()).toEqual([childPartial, oldLive].sort())
      expect(fs.readdirSync(dir).sort()).toEqual(['.dump.jsonl.partial-notours', path.basename(ownPartial)].sort())
    } finally {
      child.kill('SIGKILL')
    }
  })
})

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatProcessIdentity, ownProcessIdentity, readLogs } from '@eht-influx-client/logfile'
import { SpoolFullError } from './errors.js'
import { SpoolBudget } from './spool-budget.js'
import { JoinedLines } from './joined-lines.js'
import { startTimeOf } from '../test/start-time.js'
import { listServerSpool, serverSpoolDir, ServerSpool } from './spool.js'
import { tempDir } from '../test/helpers.js'

const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m,station=Kp v=${from + i}i ${1617672549204824064n + BigInt(from + i)}`)

async function readBack(files: string[]): Promise<string[]> {
  const out: string[] = []
  for await (const item of readLogs(files)) out.push(`m,station=Kp v=${(item.record.fields.v as { value: bigint }).value}i ${item.record.timestamp}`)
  return out
}

describe('ServerSpool', () => {
  it('appends in order to an open file that drainers do not see until it is sealed; readLogs reads it back exactly', async () => {
    const dir = tempDir()
    const spool = new ServerSpool('local', dir, new SpoolBudget(1e9, 0))
    await spool.append(lines(3))
    await spool.append(lines(2, 3))
    expect(await listServerSpool(dir, 'local')).toEqual([])
    await spool.seal()
    const files = await listServerSpool(dir, 'local')
    expect(files).toHaveLength(1)
    expect(files[0]!.file).toMatch(/spool-\d{8}T\d{9}Z-\d+-\d+\.lp$/)
    expect(await readBack(files.map((f) => f.file))).toEqual(lines(5))
    await spool.append(lines(1, 5))
    await spool.seal()
    expect(await listServerSpool(dir, 'local')).toHaveLength(2)
  })

  it('writes the lines as they are, one a line, whether given one by one or joined, and counts their bytes', async () => {
    const dir = tempDir()
    const budget = new SpoolBudget(1e9, 0)
    const spool = new ServerSpool('local', dir, budget)
    const odd = ['m,t=a\\ b f="é \\"q\\"",ok=T 1617672549204824064', 'm v=1i 1617672549204824065']
    await spool.append(odd)
    await spool.append(JoinedLines.of(lines(2)))
    await spool.seal()
    const [file] = await listServerSpool(dir, 'local')
    const text = fs.readFileSync(file!.file, 'utf8')
    expect(text).toBe(`${[...odd, ...lines(2)].join('\n')}\n`)
    expect(budget.usedBytes).toBe(Buffer.byteLength(text))
  })

  it('refuses points beyond max_size (SpoolFullError naming the server) and counts deleted files back', async () => {
    const dir = tempDir()
    const budget = new SpoolBudget(200, 0)
    const spool = new ServerSpool('cloud', dir, budget)
    await spool.append(lines(3))
    const error = await spool.append(lines(3, 3)).catch((e: unknown) => e)
    expect(SpoolFullError.isInstance(error)).toBe(true)
    expect((error as SpoolFullError).message).toMatch(/spool is full .*max_size 200 bytes.*3 points for server "cloud" are only in the logfile/)
    await spool.seal()
    const [file] = await listServerSpool(dir, 'cloud')
    await spool.remove(file!.file)
    expect(budget.usedBytes).toBe(0)
    await spool.append(lines(3, 3))
  })

  it('measures an existing spool directory', async () => {
    const dir = tempDir()
    const spool = new ServerSpool('local', dir, new SpoolBudget(1e9, 0))
    await spool.append(lines(10))
    await spool.seal()
    const size = fs.statSync((await listServerSpool(dir, 'local'))[0]!.file).size
    expect((await SpoolBudget.measure(dir, 1e9)).usedBytes).toBe(size)
    expect((await SpoolBudget.measure(path.join(dir, 'missing'), 1e9)).usedBytes).toBe(0)
  })

  it('seals files left open by a process that is gone, not those of a live one', async () => {
    const dir = tempDir()
    const folder = serverSpoolDir(dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const dead = path.join(folder, 'spool-20210406T012909204Z-999999999-0.lp.open')
    const live = path.join(folder, `spool-20210406T012909204Z-${process.ppid}-77.lp.open`)
    fs.writeFileSync(dead, `${lines(1)[0]}\n`)
    fs.writeFileSync(live, `${lines(1)[0]}\n`)
    await new ServerSpool('local', dir, new SpoolBudget(1e9, 0)).recoverStale()
    expect((await listServerSpool(dir, 'local')).map((f) => path.basename(f.file))).toEqual(['spool-20210406T012909204Z-999999999-0.lp'])
    expect(fs.existsSync(live)).toBe(true)
  })

  it('seals a file left open by an earlier process with our pid (a container restarted as the same pid), never one this process writes', async () => {
    const dir = tempDir()
    const folder = serverSpoolDir(dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const earlier = path.join(folder, `spool-20210406T012909204Z-${process.pid}-0.lp.open`)
    fs.writeFileSync(earlier, `${lines(1)[0]}\n`)
    const writing = new ServerSpool('local', dir, new SpoolBudget(1e9, 0))
    await writing.append(lines(2))
    // Another client of this process opens the same spool: its own file and the writer's are told apart.
    await new ServerSpool('local', dir, new SpoolBudget(1e9, 0)).recoverStale()
    expect((await listServerSpool(dir, 'local')).map((f) => path.basename(f.file))).toEqual([path.basename(earlier).slice(0, -'.open'.length)])
    expect(fs.readdirSync(folder).filter((f) => f.endsWith('.lp.open'))).toHaveLength(1)
    await writing.seal()
    expect(fs.readdirSync(folder).filter((f) => !f.endsWith('.lp'))).toEqual([])
  })

  it.runIf(fs.existsSync('/proc/self/stat'))('tells a live process from an earlier one with the same pid by its start time and boot id', async () => {
    const dir = tempDir()
    const folder = serverSpoolDir(dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const { boot, ns } = ownProcessIdentity()
    const start = startTimeOf(process.ppid)!
    const owners = {
      same: `${process.ppid} ${boot} ${start} ${ns}`,
      restarted: `${process.ppid} ${boot} ${Number(start) + 1} ${ns}`,
      rebooted: `${process.ppid} 00000000-0000-4000-8000-000000000000 ${start} ${ns}`,
    }
    for (const [i, owner] of Object.values(owners).entries()) {
      const file = path.join(folder, `spool-20210406T012909204Z-${process.ppid}-${i}.lp.open`)
      fs.writeFileSync(file, `${lines(1, i)[0]}\n`)
      fs.writeFileSync(`${file}.owner`, `${owner}\n`)
    }
    // An owner file whose `.open` file was sealed by a writer that died before removing it.
    fs.writeFileSync(path.join(folder, 'spool-20210406T012909204Z-999999999-9.lp.open.owner'), '999999999 - -\n')
    await new ServerSpool('local', dir, new SpoolBudget(1e9, 0)).recoverStale()
    expect(fs.readdirSync(folder).sort()).toEqual([
      `spool-20210406T012909204Z-${process.ppid}-0.lp.open`,
      `spool-20210406T012909204Z-${process.ppid}-0.lp.open.owner`,
      `spool-20210406T012909204Z-${process.ppid}-1.lp`,
      `spool-20210406T012909204Z-${process.ppid}-2.lp`,
    ])
  })

  it.runIf(fs.existsSync('/proc/self/ns/pid'))('leaves the file of a writer in another pid namespace (a container) alone: its pid and start time mean nothing here', async () => {
    const dir = tempDir()
    const folder = serverSpoolDir(dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const { boot, start, ns } = ownProcessIdentity()
    const parentStart = startTimeOf(process.ppid)!
    const other = 'pid:[1]'
    expect(other).not.toBe(ns)
    // Pids that are alive here with another start time, our own among them, and one that no process has here:
    // in the writer's namespace each may be a live writer.
    const owners = [
      `${process.ppid} ${boot} ${Number(parentStart) + 1} ${other}`,
      `${process.pid} ${boot} ${Number(start) + 1} ${other}`,
      `999999999 ${boot} 1 ${other}`,
    ]
    const names = owners.map((owner, i) => {
      const pid = owner.split(' ')[0]
      const file = path.join(folder, `spool-20210406T012909204Z-${pid}-${i}.lp.open`)
      fs.writeFileSync(file, `${lines(1, i)[0]}\n`)
      fs.writeFileSync(`${file}.owner`, `${owner}\n`)
      return path.basename(file)
    })
    await new ServerSpool('local', dir, new SpoolBudget(1e9, 0)).recoverStale()
    expect(fs.readdirSync(folder).sort()).toEqual(names.flatMap((name) => [name, `${name}.owner`]).sort())
  })

  it('leaves a file of our pid and our very start time alone: another thread or copy of the writer in this process may write it', async () => {
    const dir = tempDir()
    const folder = serverSpoolDir(dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const file = path.join(folder, `spool-20210406T012909204Z-${process.pid}-0.lp.open`)
    fs.writeFileSync(file, `${lines(1)[0]}\n`)
    fs.writeFileSync(`${file}.owner`, `${formatProcessIdentity(ownProcessIdentity())}\n`)
    await new ServerSpool('local', dir, new SpoolBudget(1e9, 0)).recoverStale()
    expect(fs.readdirSync(folder).sort()).toEqual([path.basename(file), `${path.basename(file)}.owner`])
  })

  it('keeps server folders apart and makes odd names safe', () => {
    expect(serverSpoolDir('/s', 'cloud')).toBe(path.join('/s', 'cloud'))
    expect(serverSpoolDir('/s', '../x y')).toBe(path.join('/s', '.._x_y'))
  })
})

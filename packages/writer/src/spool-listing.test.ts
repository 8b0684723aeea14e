import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SpoolDrainError, SpoolFullError } from './errors.js'
import { SpoolBudget } from './spool-budget.js'
import { listServerSpool, listUnconfiguredSpool, serverSpoolDir, ServerSpool } from './spool.js'
import { tempDir } from '../test/helpers.js'

const line = (v: number) => `m,station=Kp v=${v}i ${1617672549204824064n + BigInt(v)}\n`

describe('listing the spool', () => {
  it('an unreadable server folder is an error naming it (only a missing one is an empty spool)', async () => {
    const dir = tempDir()
    expect(await listServerSpool(dir, 'local')).toEqual([])
    // A file where the folder should be (as a folder the user may not read: root, running these tests, could read it).
    fs.writeFileSync(serverSpoolDir(dir, 'local'), 'not a folder\n')
    const error = await listServerSpool(dir, 'local').catch((e: unknown) => e)
    expect(SpoolDrainError.isInstance(error)).toBe(true)
    expect((error as Error).message).toBe(`cannot list the spool folder ${serverSpoolDir(dir, 'local')} of server "local": ENOTDIR: not a directory, scandir '${serverSpoolDir(dir, 'local')}'`)
  })

  it('with unsealed, lists the .open files of writers that are gone (a crash), not those still written', async () => {
    const dir = tempDir()
    const folder = serverSpoolDir(dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const dead = path.join(folder, 'spool-20210406T012909204Z-999999999-0.lp.open')
    const live = path.join(folder, `spool-20210406T012909204Z-${process.ppid}-1.lp.open`)
    const sealed = path.join(folder, 'spool-20210406T012909204Z-999999999-2.lp')
    for (const file of [dead, live, sealed]) fs.writeFileSync(file, line(1))
    expect((await listServerSpool(dir, 'local')).map((f) => f.file)).toEqual([sealed])
    expect(await listServerSpool(dir, 'local', { unsealed: true })).toEqual([
      { server: 'local', file: dead, bytes: line(1).length, unsealed: true },
      { server: 'local', file: sealed, bytes: line(1).length },
    ])
  })

  it('lists the folders of servers not configured, and a full spool names them', async () => {
    const dir = tempDir()
    const old = serverSpoolDir(dir, 'old-name')
    fs.mkdirSync(old, { recursive: true })
    fs.writeFileSync(path.join(old, 'spool-20210406T012909204Z-999999999-0.lp'), line(1).repeat(10))
    fs.writeFileSync(path.join(old, 'spool-20210406T012909204Z-999999999-1.lp.open'), line(2))
    await new ServerSpool('cloud', dir, new SpoolBudget(1e9, 0)).append([line(3).trim()])
    const files = await listUnconfiguredSpool(dir, ['cloud'])
    expect(files.map((f) => [f.server, path.basename(f.file), f.bytes])).toEqual([
      ['old-name', 'spool-20210406T012909204Z-999999999-0.lp', line(1).length * 10],
      ['old-name', 'spool-20210406T012909204Z-999999999-1.lp.open', line(2).length],
    ])
    const budget = await SpoolBudget.measure(dir, 600)
    budget.servers = ['cloud']
    const error = await new ServerSpool('cloud', dir, budget).append(Array.from({ length: 20 }, (_, i) => line(i).trim())).catch((e: unknown) => e)
    expect(SpoolFullError.isInstance(error)).toBe(true)
    const full = error as SpoolFullError
    const others = line(1).length * 10 + line(2).length
    // detail: short (what ran out, the other folders' names and bytes); the advice is in the message only.
    expect(full.detail).toBe(`[spool] max_size 600 bytes, ${budget.usedBytes} used, ${others} of them in folders of servers no longer configured: old-name`)
    expect(full.message).toBe(
      `spool is full (${full.detail}): ${20 - full.spooled} of 20 points for server "cloud" are only in the logfile (the first ${full.spooled} are in the spool); replay them from there once the server is back; nobody delivers ${old} (servers no longer configured): add the server back to the configuration (and run 'spool drain'), or move or delete the folder`,
    )
  })
})

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDelivery } from './delivery.js'
import { ownProcessIdentity } from '@eht-influx-client/logfile'
import { startTimeOf } from '../test/start-time.js'
import { serverSpoolDir } from './spool.js'
import { closedPort, makeConfig, tempDir } from '../test/helpers.js'

describe('drainSpool() and files another drainer holds', () => {
  it('says which files it left and who holds them; for a lock with a pid only, how to free it', async () => {
    const dir = tempDir()
    const port = await closedPort()
    const config = makeConfig(dir, { servers: [{ name: 'local', url: `http://127.0.0.1:${port}`, api: 'v1' }] })
    const folder = serverSpoolDir(config.spool.dir, 'local')
    fs.mkdirSync(folder, { recursive: true })
    const old = path.join(folder, 'spool-20260101T000000000Z-123-0.lp')
    const current = path.join(folder, 'spool-20260101T000000000Z-123-1.lp')
    for (const file of [old, current]) fs.writeFileSync(file, 'held v=42 1617672549204824064\n')
    // An older version's lock (pid only) and, where the OS tells it, one with the holder's identity.
    fs.writeFileSync(`${old}.lock`, `${process.ppid} 5b1c7d1e-dead-beef-0000-000000000000\n`)
    const start = startTimeOf(process.ppid)
    fs.writeFileSync(`${current}.lock`, start === undefined ? `${process.ppid} x\n` : `${process.ppid} x ${ownProcessIdentity().boot} ${start} ${ownProcessIdentity().ns ?? '-'}\n`)
    const delivery = await openDelivery(config, { drainSpool: false })
    try {
      const [outcome] = await delivery.drainSpool()
      expect(outcome).toMatchObject({ files: 0, remainingFiles: 2, delivered: 0, failed: undefined })
      expect(outcome!.held).toHaveLength(2)
      expect(outcome!.held![0]).toBe(
        `spool file ${old} is being drained by process ${process.ppid}; left to it; its lock ${old}.lock records the pid only (an older version wrote it): if process ${process.ppid} is not a drainer of this spool (the pid was reused after a crash or reboot), delete that lock file`,
      )
      if (start !== undefined) expect(outcome!.held![1]).toBe(`spool file ${current} is being drained by process ${process.ppid}; left to it`)
    } finally {
      await delivery.close()
    }
  })
})

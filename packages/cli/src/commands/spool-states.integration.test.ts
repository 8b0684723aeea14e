// `spool` and `spool drain` on spools in the states a crash, an interrupted
// drain, a renamed server or a second drainer leave: the built command, with
// VictoriaMetrics (a v2 server) as `cloud`.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useRealServers } from '../../test/real-servers.js'
import { parseJsonOutput, runCli } from '../../test/run-cli.js'
import { station } from '../../test/station-config.js'

const real = useRealServers()

/** `n` spooled points of measurement `m`, one a second from `start`. */
const spooled = (m: string, n: number, start = 1617672549204824064n) => Array.from({ length: n }, (_, i) => `${m},station=Kp seq=${i}i ${start + BigInt(i) * 1_000_000_000n}\n`).join('')

function cloudStation() {
  const s = station(real.servers.filter((server) => server.name === 'cloud'), '[retry]\nmax_retries = 0\n')
  const folder = path.join(s.spoolDir, 'cloud')
  fs.mkdirSync(folder, { recursive: true })
  return { ...s, folder }
}

describe('spool: what waits, in every state a spool can be in', () => {
  it("counts from a file's saved progress, a dead writer's .open file, and the folder of a server no longer configured", async () => {
    const s = cloudStation()
    // A drain delivered the first 40 of 100 points before it was killed.
    const partly = path.join(s.folder, 'spool-20260101T000000000Z-1-0.lp')
    const text = spooled('st_partly', 100)
    fs.writeFileSync(partly, text)
    const offset = Buffer.byteLength(spooled('st_partly', 40))
    fs.writeFileSync(`${partly}.progress`, `${JSON.stringify({ offset })}\n`)
    // A writer crashed while writing: its file is still `.open` (pid 999999999 runs nowhere).
    fs.writeFileSync(path.join(s.folder, 'spool-20260101T000001000Z-999999999-0.lp.open'), spooled('st_crashed', 7, 1617672600000000000n))
    // The spool of a server since renamed.
    const renamed = path.join(s.spoolDir, 'old-cloud')
    fs.mkdirSync(renamed)
    fs.writeFileSync(path.join(renamed, 'spool-20260101T000000000Z-1-0.lp'), spooled('st_renamed', 5))

    const listed = await runCli(['spool'], { cwd: s.dir })
    expect(listed.code, listed.stderr).toBe(0)
    const lines = listed.stdout.trim().split('\n')
    expect(lines[1]).toMatch(
      /^server cloud: 67 points in 2 files, [\d.]+ kB, oldest point 2021-04-06T01:29:49\.204824064Z, 40 points before them already delivered \(saved progress of an interrupted drain\), 1 file left unsealed \(\.open\) by a writer that ended; the next client or 'eht-influx-client spool drain' seals and delivers them$/,
    )
    expect(lines[2]).toBe(
      `folder old-cloud (not configured): 5 points in 1 file, ${Buffer.byteLength(spooled('st_renamed', 5))} B, oldest point 2021-04-06T01:29:09.204824064Z; no server of the configuration uses this folder (renamed or removed?), so nobody delivers it, yet it counts against [spool] max_size: add the server back to the configuration (and run 'eht-influx-client spool drain'), or move or delete ${renamed}`,
    )
    expect(listed.stderr).toContain("spool: 67 points waiting for cloud; 'eht-influx-client spool drain' delivers them; 5 points in folders of servers not configured (old-cloud), delivered by nobody")
    const json = parseJsonOutput(await runCli(['spool', '--json'], { cwd: s.dir }))
    expect(json).toMatchObject({ points: 67, unconfigured: [expect.objectContaining({ server: 'old-cloud', configured: false, points: 5 })] })

    // The drain goes on from the saved progress: its progress total and the server see only the 67 points left.
    const drained = await runCli(['spool', 'drain', '--server', 'cloud'], { cwd: s.dir })
    expect(drained.code, drained.stderr).toBe(0)
    expect(drained.stderr).toContain('40 points of the spool were delivered by an earlier drain (saved progress): not sent again')
    expect(drained.stderr.trim().split('\n').at(-1)).toBe('spool drain: 67 points delivered; nothing left in the spool')
    expect(await real.victoria.countSamples('st_partly_seq')).toBe(60)
    expect(await real.victoria.countSamples('st_crashed_seq')).toBe(7)
  })

  it('spool drain says which files another drainer holds, and counts unreadable lines it skipped (exit 1)', async () => {
    const s = cloudStation()
    const held = path.join(s.folder, 'spool-20260101T000000000Z-1-0.lp')
    fs.writeFileSync(held, spooled('st_held', 3))
    // An older version's lock (pid only) of a live process (this test's).
    fs.writeFileSync(`${held}.lock`, `${process.pid} 5b1c7d1e-dead-beef-0000-000000000000\n`)
    const torn = path.join(s.folder, 'spool-20260101T000001000Z-1-1.lp')
    fs.writeFileSync(torn, `${spooled('st_torn', 4)}st_torn,station=Kp seq=\n${spooled('st_torn', 2, 1617672700000000000n)}`)

    const run = await runCli(['spool', 'drain'], { cwd: s.dir })
    expect(run.code, run.stderr).toBe(1)
    expect(run.stderr).toContain(`spool file ${held} is being drained by process ${process.pid}; left to it; its lock ${held}.lock records the pid only`)
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `spool drain: 6 points delivered; 1 unreadable line skipped (replay the logfile for them); 3 points (1 file) stay in ${s.spoolDir}`,
    )
    expect(await real.victoria.countSamples('st_torn_seq')).toBe(6)
  })
})

// The root README's first command, `pnpm demo`, ends in scripts/demo.mjs: it
// pipes sample station points into the built `eht-influx-client write` with no
// configuration and shows the logfile. Run it as a user would.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanEnv, removeTempDirs, tempDir } from './run-cli.js'

const demo = fileURLToPath(new URL('../../../scripts/demo.mjs', import.meta.url))
afterAll(removeTempDirs)

describe('pnpm demo', () => {
  it('writes 20 points through the full writer on the built-in default and shows the logfile', () => {
    const tmp = tempDir('eht-cli-demo-tmp-')
    const result = spawnSync(process.execPath, [demo], { env: cleanEnv({ TMPDIR: tmp }), encoding: 'utf8' })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr.match(/built-in default \(logfile only\)/g)).toHaveLength(1)
    expect(result.stderr).toMatch(/write: 20 points from stdin \(lp\) to .*eht-influx-log\/eht-\d{4}-\d\d-\d\d\.jsonl; no server configured \(logfile only\); no bad lines/)
    const shown = /\$ head -4 eht-influx-log\/(eht-\d{4}-\d\d-\d\d\.jsonl) {3}# 20 lines\n((?:.*\n){4})/.exec(result.stdout)
    expect(shown, result.stdout).not.toBeNull()
    const rows = shown![2]!.trim().split('\n').map((line) => JSON.parse(line) as { measurement: string; time: string })
    expect(rows.map((r) => r.measurement)).toEqual(['pps_offset', 'maser', 'pps_offset', 'maser'])
    expect(rows.every((r) => /^\d{19}$/.test(r.time) && r.time.endsWith('824064'))).toBe(true)
    // it worked in a directory of its own under the temporary directory
    const [work] = fs.readdirSync(tmp)
    expect(work).toMatch(/^eht-influx-demo-/)
    expect(fs.readdirSync(`${tmp}/${work}/eht-influx-log`)).toEqual([shown![1]])
  })
})

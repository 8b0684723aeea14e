// The built command with its stdout read by a reader that goes away early
// (`| head -2`): it ends quietly with exit 0, every time (Node exited 13, an
// unsettled top-level await, when bin.ts waited for a 'drain' that never came).
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN, cleanEnv, removeTempDirs } from '../test/run-cli.js'
import { station, stationPoints } from '../test/station-config.js'

const run = promisify(execFile)

afterAll(() => removeTempDirs())

/** The exit code of `node bin <args> | head -2`, and what head printed. */
async function exitCodeIntoHead(args: readonly string[], cwd: string): Promise<{ code: number; head: string }> {
  const quoted = args.map((a) => `'${a}'`).join(' ')
  const { stdout } = await run('bash', ['-c', `'${process.execPath}' '${BIN}' ${quoted} 2>/dev/null | head -2; echo "exit \${PIPESTATUS[0]}"`], { cwd, env: cleanEnv() })
  const lines = stdout.trimEnd().split('\n')
  return { code: Number(lines.at(-1)!.replace('exit ', '')), head: lines.slice(0, -1).join('\n') }
}

describe('a closed stdout (| head)', () => {
  it('replay --dry-run | head -2 exits 0, 20 runs out of 20', async () => {
    // No server answers here: a dry run sends nothing.
    const s = station([{ name: 'local', url: 'http://127.0.0.1:9', api: 'v1' }])
    fs.writeFileSync(path.join(s.dir, 'backlog.lp'), stationPoints(12000, 'closed_stdout'))
    const codes: number[] = []
    for (let round = 0; round < 5; round++) {
      const runs = await Promise.all([0, 1, 2, 3].map(() => exitCodeIntoHead(['replay', 'backlog.lp', '--dry-run'], s.dir)))
      for (const { code, head } of runs) {
        expect(head.split('\n')).toHaveLength(2)
        codes.push(code)
      }
    }
    expect(codes).toEqual(Array(20).fill(0))
  }, 120_000)

  it('print-config and --help | head -2 exit 0', async () => {
    const s = station([])
    for (const args of [['print-config'], ['print-config', '--current'], ['--help'], ['replay', '--help']]) {
      const { code, head } = await exitCodeIntoHead(args, s.dir)
      expect([args, code]).toEqual([args, 0])
      expect(head.split('\n')).toHaveLength(2)
    }
  }, 60_000)
})

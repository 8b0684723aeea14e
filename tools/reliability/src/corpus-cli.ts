import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

/** The `eht-influx-client` bin of the installed cli package. */
export function cliBinPath(): string {
  const manifest = require.resolve('@eht-influx-client/cli/package.json')
  const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['eht-influx-client']!
  return path.join(path.dirname(manifest), bin)
}

export interface CliRun {
  code: number | string
  stdout: string
  stderr: string
}

/** The environment of the child: this one without any EHT_INFLUX_* variable, HOME in `cwd`, plus `env`. */
function childEnv(cwd: string, env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EHT_INFLUX_')))
  return { ...base, HOME: cwd, EHT_CLI_PROGRESS_INTERVAL_MS: '600000', ...env }
}

/** Runs the CLI as a child process with `stdin` piped in (or closed empty); bounded by `timeoutMs`. */
export function runCli(args: readonly string[], options: { cwd: string; stdin?: Buffer; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBinPath(), ...args], { cwd: options.cwd, env: childEnv(options.cwd, options.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.once('error', reject)
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? signal ?? 'unknown', stdout, stderr })
    })
    child.stdin.on('error', () => undefined) // the command may exit before reading stdin (usage errors)
    child.stdin.end(options.stdin ?? Buffer.alloc(0))
  })
}

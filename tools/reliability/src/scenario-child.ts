import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

/** The CLI's bin (`eht-influx-client`), from the installed package's `bin` field. */
export function cliBin(): string {
  const manifest = require.resolve('@eht-influx-client/cli/package.json')
  const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['eht-influx-client']!
  return path.join(path.dirname(manifest), bin)
}

export interface ChildRun {
  child: ChildProcess
  /** Everything printed so far. */
  readonly stdout: string
  readonly stderr: string
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>
  /** Resolves once stdout holds a line matching `pattern` (rejects if the child exits first). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>
}

/** Starts `node <script> ...args` with its output captured; `kill()` on the returned child ends it. */
export function startNode(script: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildRun {
  return startCommand(process.execPath, [script, ...args], options)
}

/** Starts `command ...args` with its output captured. */
export function startCommand(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildRun {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    for (const listener of listeners) listener()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return {
    child,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited,
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = stdout.split('\n').find((l) => pattern.test(l))
          if (line === undefined) return
          done()
          resolve(line)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          listeners.delete(check)
        }
        void exited.then((code) => {
          if (!listeners.has(check)) return
          done()
          reject(new Error(`the child exited (${code}) before printing ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`))
        })
        listeners.add(check)
        check()
      })
    },
  }
}

/** Runs the CLI to its end: exit code and output. */
export async function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = startNode(cliBin(), args, options)
  const code = await run.exited
  return { code, stdout: run.stdout, stderr: run.stderr }
}

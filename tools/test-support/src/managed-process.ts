import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Last resort when a test forgot stop() or threw before it: never leave a server behind.
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL')
      } catch {
        // already gone
      }
    }
  })
}

export interface ManagedProcess {
  readonly pid: number
  readonly logFile: string
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>
  /** The last lines of the process's combined output, for error messages. */
  tail(lines?: number): string
}

/**
 * Starts `command` with its output in `logFile`. A detached watchdog kills it
 * if this process dies without calling stop() (a SIGKILLed test worker), so no
 * server outlives the test run.
 */
export function startProcess(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd: string; logFile: string }): ManagedProcess {
  installExitHook()
  const out = fs.openSync(options.logFile, 'a')
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', out, out],
  })
  fs.closeSync(out)
  if (child.pid === undefined) throw new Error(`could not start ${command}`)
  const pid = child.pid
  running.add(child)
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve(code ?? signal ?? 'unknown')
    })
  })
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null`],
    { detached: true, stdio: 'ignore' },
  )
  watchdog.unref()
  let stopping: Promise<void> | undefined
  return {
    pid,
    logFile: options.logFile,
    exited,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
          await exited
          clearTimeout(timer)
        }
        try {
          if (watchdog.pid !== undefined) process.kill(watchdog.pid, 'SIGKILL')
        } catch {
          // the watchdog already ended
        }
      })()
      return stopping
    },
    tail(lines = 30) {
      try {
        return fs.readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
      } catch {
        return ''
      }
    },
  }
}

/** Polls `url` until it answers with a 2xx status, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(url: string, proc: ManagedProcess, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exitedWith: number | string | undefined
  void proc.exited.then((code) => {
    exitedWith = code
  })
  let lastError = ''
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) {
      throw new Error(`${name} exited (${exitedWith}) before answering ${url}; its log (${proc.logFile}):\n${proc.tail()}`)
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return
      lastError = `HTTP ${res.status}`
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms (${lastError}); its log (${proc.logFile}):\n${proc.tail()}`)
}

/** Removes a temporary directory, ignoring a directory that is already gone. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}

export function logPath(dir: string, name: string): string {
  return path.join(dir, `${name}.log`)
}

import fs from 'node:fs'
import path from 'node:path'

/** One point a server rejected for good, as a line of the errors file. */
export interface RejectedPoint {
  server: string
  status: number
  message: string
  /** The point exactly as sent (line protocol). */
  line: string
}

/**
 * `[errors] errors_file`: one JSON object per rejected point,
 * `{"time","server","status","message","line"}`, appended in order.
 */
export class ErrorsFile {
  private chain: Promise<unknown> = Promise.resolve()
  private dirReady = false

  constructor(readonly path: string) {}

  append(points: readonly RejectedPoint[], now: Date = new Date()): Promise<void> {
    if (points.length === 0) return this.chain.then(() => undefined)
    const time = now.toISOString()
    const text = points.map((p) => JSON.stringify({ time, server: p.server, status: p.status, message: p.message, line: p.line })).join('\n') + '\n'
    const run = this.chain.then(async () => {
      if (!this.dirReady) {
        await fs.promises.mkdir(path.dirname(this.path), { recursive: true })
        this.dirReady = true
      }
      await fs.promises.appendFile(this.path, text)
    })
    this.chain = run.catch(() => undefined)
    return run
  }
}

/** Reads an errors file back (for tests and tools). */
export async function readErrorsFile(file: string): Promise<(RejectedPoint & { time: string })[]> {
  const text = await fs.promises.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RejectedPoint & { time: string })
}

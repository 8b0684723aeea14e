import { once } from 'node:events'

/** A stream to print to (process.stdout by default). */
export interface OutputStream {
  write(text: string): boolean
  once(event: 'drain', listener: () => void): unknown
}

const FLUSH_AT = 64 * 1024

/** Lines printed in blocks of about 64 KiB, waiting whenever the stream asks to (so memory stays flat). */
export class LinePrinter {
  printed = 0
  private buffer = ''

  constructor(private readonly out: OutputStream) {}

  /** Returns a promise only when the stream must drain first. */
  print(line: string): Promise<void> | undefined {
    this.printed++
    this.buffer += `${line}\n`
    if (this.buffer.length >= FLUSH_AT) return this.flush()
    return undefined
  }

  /** Prints a run of points (its text ends each line with a newline); returns a promise only when the stream must drain first. */
  printRun(run: { readonly count: number; readonly text: string }): Promise<void> | undefined {
    this.printed += run.count
    this.buffer += run.text
    if (this.buffer.length >= FLUSH_AT) return this.flush()
    return undefined
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return
    const text = this.buffer
    this.buffer = ''
    if (!this.out.write(text)) await once(this.out as unknown as NodeJS.EventEmitter, 'drain')
  }
}

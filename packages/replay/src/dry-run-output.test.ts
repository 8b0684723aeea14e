import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { LinePrinter } from './dry-run-output.js'

describe('LinePrinter', () => {
  it('prints every line in order and waits for a full stream to drain', async () => {
    const out = new PassThrough({ highWaterMark: 1024 })
    const printer = new LinePrinter(out)
    const lines = Array.from({ length: 20_000 }, (_, i) => `m,k=v f=${i}i ${i}`)
    const chunks: string[] = []
    let waited = 0
    const writing = (async () => {
      for (const line of lines) {
        const wait = printer.print(line)
        if (wait !== undefined) {
          waited++
          await wait
        }
      }
      await printer.flush()
      out.end()
    })()
    for await (const chunk of out) chunks.push(String(chunk))
    await writing
    expect(chunks.join('')).toBe(lines.map((l) => `${l}\n`).join(''))
    expect(printer.printed).toBe(20_000)
    expect(waited).toBeGreaterThan(0)
  })
})

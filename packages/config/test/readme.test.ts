import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXED_SECTIONS, SERVER_KEYS } from '../src/keys.js'

const readme = fs.readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8')
const index = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```\n\n```text\n([\s\S]*?)```/g)].map((m) => ({ code: m[1]!, output: m[2]! }))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eht-config-readme-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('README', () => {
  it('documents every key with its default', () => {
    const sections: [string, readonly { key: string; default?: string }[]][] = [...Object.entries(FIXED_SECTIONS), ['server.<name>', SERVER_KEYS]]
    for (const [section, keys] of sections) {
      const table = readme.slice(readme.indexOf(`### [${section}]`)).split('\n\n').find((block) => block.startsWith('| key |'))!
      for (const k of keys) {
        const row = table.split('\n').find((line) => line.startsWith(`| \`${k.key}\` |`))
        expect(row, `${section} ${k.key}`).toBeDefined()
        if (k.default !== undefined) expect(row).toContain(`| \`${k.default}\` |`)
      }
    }
  })

  it.each(examples.map((e, i) => [i + 1, e] as const))('example %i prints what the README shows', async (i, { code, output }) => {
    // Each example runs against the sources, with console.log captured.
    const file = path.join(dir, `example-${i}.mjs`)
    const prelude = "import __util from 'node:util'\nconst console = { log: (...a) => globalThis.__readme.push(__util.format(...a)) }\n"
    fs.writeFileSync(file, prelude + code.replaceAll("'@eht-influx-client/config'", JSON.stringify(index)))
    const printed: string[] = []
    ;(globalThis as { __readme?: string[] }).__readme = printed
    await import(pathToFileURL(file).href)
    expect(`${printed.join('\n')}\n`).toBe(output)
  })
})

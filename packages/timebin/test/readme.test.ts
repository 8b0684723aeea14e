import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The README's examples run against the build (dist), as a user would run them.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8')

/** The body of the first ```lang block at or after offset `after`, and the offset just past it. */
function block(lang: string, after: number): { body: string; end: number } {
  const open = readme.indexOf('```' + lang + '\n', after)
  expect(open, `a \`\`\`${lang} block after offset ${after}`).toBeGreaterThanOrEqual(0)
  const start = open + lang.length + 4
  const end = readme.indexOf('```', start)
  return { body: readme.slice(start, end), end: end + 3 }
}

describe('README.md', () => {
  it('Usage: the code prints exactly the output shown', () => {
    const code = block('js', readme.indexOf('## Usage'))
    const output = block('text', code.end)
    const printed = execFileSync('node', ['--input-type=module', '-e', code.body], { cwd: packageDir, encoding: 'utf8' })
    expect(printed).toBe(output.body)
  })

  it('Example script: the command prints exactly the output shown', () => {
    const command = block('sh', readme.indexOf('## Example script'))
    const output = block('text', command.end)
    const prefix = 'pnpm --filter @eht-influx-client/timebin example '
    expect(command.body.startsWith(prefix)).toBe(true)
    const args = command.body.slice(prefix.length).trim().split(/\s+/)
    const printed = execFileSync('node', [path.join('examples', 'seed-loop.mjs'), ...args], { cwd: packageDir, encoding: 'utf8' })
    expect(printed).toBe(output.body)
  })

  it('documents every export of the package', async () => {
    const exported = Object.keys(await import('@eht-influx-client/timebin'))
    for (const name of [...exported, 'BinTuple', 'OpenBin', 'binWidth', 'point(', 'getTuples()', 'flush()', 'openBin']) {
      expect(readme, name).toContain(name)
    }
  })
})

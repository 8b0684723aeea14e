// Prints one of the two set-up commands from the root README (the first
// ```sh block): `run` (install and run the main job) or `test` (the whole test
// suite). .ci/run uses it so that CI runs exactly what the README says.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
export function readmeCommands(text = fs.readFileSync(path.join(root, 'README.md'), 'utf8')) {
  const block = /```sh\n([\s\S]*?)```/.exec(text)
  if (!block) throw new Error('README.md has no ```sh block')
  const lines = block[1].split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
  if (lines.length !== 2) throw new Error(`README.md's first sh block must hold exactly two commands, found ${lines.length}`)
  return { run: lines[0], test: lines[1] }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2]
  const commands = readmeCommands()
  if (which !== 'run' && which !== 'test') {
    console.error('usage: node scripts/readme-commands.mjs run|test')
    process.exit(2)
  }
  console.log(commands[which])
}

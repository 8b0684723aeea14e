// A Node module hook (module.register) that lets a bench file import the
// TypeScript sources of the private @eht-influx-client/test-support package
// (its exports point at src/*.ts, which Node 20 cannot load by itself).
// Each .ts file is transpiled on load with the repository's TypeScript
// (types removed, nothing checked); `./x.js` inside a .ts file resolves to
// `./x.ts` when only the latter exists, as NodeNext resolution has it.
// Lives in bench/lib/ so that bench/run.mjs does not take it for a benchmark.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const candidate = new URL(specifier.slice(0, -3) + '.ts', context.parentURL)
    if (!fs.existsSync(fileURLToPath(new URL(specifier, context.parentURL))) && fs.existsSync(fileURLToPath(candidate))) {
      return { url: candidate.href, shortCircuit: true }
    }
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const file = fileURLToPath(url)
  const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false, inlineSourceMap: true },
  })
  return { format: 'module', source: outputText, shortCircuit: true }
}

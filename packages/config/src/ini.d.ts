// `ini` ships no type declarations; this describes the one function used here.
declare module 'ini' {
  const ini: {
    parse(text: string, options?: { bracketedArray?: boolean }): Record<string, unknown>
  }
  export default ini
}

const started = Date.now();
const color = process.stdout.isTTY ? (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m` : (_: number, text: string) => text;

function stamp(): string {
  const s = Math.round((Date.now() - started) / 1000);
  return color(2, `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`);
}

export const progress = {
  scenario: (name: string, what: string) => console.log(`\n${stamp()} ${color(1, `== ${name}`)}  ${what}`),
  step: (text: string) => console.log(`${stamp()}   … ${text}`),
  done: (text: string) => console.log(`${stamp()}   ${color(32, '✔')} ${text}`),
  warn: (text: string) => console.log(`${stamp()}   ${color(33, '!')} ${text}`),
  fail: (text: string) => console.log(`${stamp()}   ${color(31, '✘')} ${text}`),
  /** Indented detail line (a tick while something long runs). */
  tick: (text: string) => console.log(`${stamp()}       ${text}`),
};

/** Calls `report` every `everyMs` until the returned function is called. */
export function every(everyMs: number, report: () => void): () => void {
  const timer = setInterval(report, everyMs);
  return () => clearInterval(timer);
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)),
};

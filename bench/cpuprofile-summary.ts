/**
 * Where a V8 CPU profile's time goes: self time by function and by file/package, and total (inclusive)
 * time of the functions that call most of it.
 *
 *   npx tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top=30]
 *
 * Reads the JSON `node --cpu-prof` (or bench/ingest.ts --cpu-prof-import=…) writes. Functions are named
 * "name file:line"; paths are cut to src/…, bench/… or the package under node_modules.
 */
import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` the bench scripts read (bench/loop-stalls.ts too). */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: npx tsx bench/cpuprofile-summary.ts <file.cpuprofile> [--top=30]\n');
  process.exit(1);
}
const TOP = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const shortUrl = (url: string) =>
  url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/')
    .replace(/\?.*$/, '');
const keyOf = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
const packageOf = (f: CallFrame) => {
  const u = shortUrl(f.url);
  if (!u) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  if (u.startsWith('src/') || u.startsWith('bench/') || u.startsWith('node:')) return u;
  // A package: its name (with scope), not the file inside it.
  return u.startsWith('@') ? u.split('/').slice(0, 2).join('/') : u.split('/')[0]!;
};

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id)!;
  add(self, keyOf(node.callFrame), dt);
  add(byPackage, packageOf(node.callFrame), dt);
  // Each function once per sample, however deep the recursion.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = keyOf(byId.get(cur)!.callFrame);
    if (!seen.has(k)) {
      seen.add(k);
      add(inclusive, k, dt);
    }
  }
});

const table = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${(v / 1000).toFixed(0).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
const skip = /^\((root|program|idle|garbage collector)\)|^runMicrotasks |^processTicksAndRejections |^\(anonymous\) (node:|$)/;
const inclusiveOwn = new Map([...inclusive].filter(([k]) => !skip.test(k)));

process.stdout.write(
  `${file}: ${(total / 1000).toFixed(0)} ms sampled\n\n` +
    `self time by function\n${table(self, TOP)}\n\n` +
    `self time by file / package\n${table(byPackage, Math.min(TOP, 25))}\n\n` +
    `total time (incl. callees) by function\n${table(inclusiveOwn, TOP)}\n`,
);

/**
 * Regenerates docs/examples/alignment-board-56.png: the alignment board for a seeded 56-rep team.
 *
 *   npx tsx scripts/render-board-example.ts [--out=path.png]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { renderPng } from '../src/adapters/charts/vega-renderer.js';
import { alignmentBoardSpec } from '../src/domain/charts/alignment-board.js';
import { exampleBoardInput } from './board-example-data.js';

const outArg = process.argv.find((a) => a.startsWith('--out='));
const out = path.resolve(outArg ? outArg.slice('--out='.length) : 'docs/examples/alignment-board-56.png');

const input = exampleBoardInput();
const t0 = performance.now();
const png = await renderPng(alignmentBoardSpec(input));
const ms = performance.now() - t0;
const meta = await sharp(png).metadata();
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, png);
process.stdout.write(`${out}: ${input.rows.length} rows, ${meta.width}×${meta.height} px, ${(png.length / 1024).toFixed(0)} KiB, rendered in ${ms.toFixed(0)} ms\n`);

/**
 * Places point labels so they overlap neither each other, nor the points, nor reserved areas (quadrant
 * names). Greedy and deterministic: points in the given priority order, each trying 8 directions on rings
 * further and further out; a label placed away from its point gets a leader line. Pixel space, y down.
 */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PointToLabel {
  /** Centre in px. */
  x: number;
  y: number;
  /** Radius of the drawn point in px. */
  r: number;
  width: number;
  height: number;
}

export interface PlacedLabel {
  /** Top-left of the label's box. */
  box: Box;
  /** Whether a leader line should join the point to the label (it sits beyond the first ring). */
  leader: boolean;
  /** False when no free spot was found: it was put at the least crowded candidate. */
  free: boolean;
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const circleBox = (p: { x: number; y: number; r: number }): Box => ({ x: p.x - p.r, y: p.y - p.r, w: 2 * p.r, h: 2 * p.r });

export function placeLabels(points: readonly PointToLabel[], area: { width: number; height: number }, reserved: readonly Box[] = [], rings = 6): PlacedLabel[] {
  const placed: Box[] = [];
  const obstacles = [...reserved, ...points.map(circleBox)];
  const out: PlacedLabel[] = [];
  for (const p of points) {
    let best: { box: Box; hits: number; ring: number } | undefined;
    for (let ring = 0; ring < rings && !(best && best.hits === 0); ring++) {
      const d = p.r + 2 + ring * 10;
      const { width: w, height: h } = p;
      const candidates: Box[] = [
        { x: p.x + d, y: p.y - h / 2, w, h },
        { x: p.x - d - w, y: p.y - h / 2, w, h },
        { x: p.x - w / 2, y: p.y - d - h, w, h },
        { x: p.x - w / 2, y: p.y + d, w, h },
        { x: p.x + d * 0.7, y: p.y - d * 0.7 - h, w, h },
        { x: p.x - d * 0.7 - w, y: p.y - d * 0.7 - h, w, h },
        { x: p.x + d * 0.7, y: p.y + d * 0.7, w, h },
        { x: p.x - d * 0.7 - w, y: p.y + d * 0.7, w, h },
      ];
      for (const c of candidates) {
        if (c.x < 0 || c.y < 0 || c.x + c.w > area.width || c.y + c.h > area.height) continue;
        const hits = placed.filter((b) => overlap(b, c)).length * 10 + obstacles.filter((b) => overlap(b, c)).length;
        if (!best || hits < best.hits) best = { box: c, hits, ring };
        if (hits === 0) break;
      }
    }
    // Nothing inside the area at all (a huge label): put it right of the point, clamped.
    const box = best?.box ?? { x: Math.min(Math.max(0, p.x + p.r + 2), Math.max(0, area.width - p.width)), y: Math.min(Math.max(0, p.y - p.height / 2), Math.max(0, area.height - p.height)), w: p.width, h: p.height };
    placed.push(box);
    out.push({ box, leader: (best?.ring ?? 0) >= 1, free: best?.hits === 0 });
  }
  return out;
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return overlap(a, b);
}

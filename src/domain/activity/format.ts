import type { Lang } from '../command-text.js';

/** "18 分钟", "29 分 59 秒" — seconds shown only when they matter (a 29:59 visit must not read as 30). */
export function formatDuration(minutes: number, lang: Lang = 'zh'): string {
  const totalSec = Math.round(minutes * 60);
  const m = Math.floor(totalSec / 60);
  const s = totalSec % 60;
  if (lang === 'en') return s === 0 ? `${m} min` : `${m} min ${s} s`;
  return s === 0 ? `${m} 分钟` : `${m} 分 ${s} 秒`;
}

/** "850 米" under 1 km, else "3.2 公里". */
export function formatDistance(km: number, lang: Lang = 'zh'): string {
  if (km < 1) {
    const m = Math.round(km * 1000);
    return lang === 'en' ? `${m} m` : `${m} 米`;
  }
  const v = (Math.round(km * 10) / 10).toString();
  return lang === 'en' ? `${v} km` : `${v} 公里`;
}

/** A threshold as HR wrote it: whole numbers without decimals. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

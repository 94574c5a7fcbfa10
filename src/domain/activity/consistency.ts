/**
 * Cross-system consistency: of the visit records that the CRM side and DingTalk check-ins should both
 * have, the share that found a counterpart in the other system. "CRM says 10 visits, DingTalk has 9
 * check-ins, 8 matched" → 16 of 19 records agree = 84%.
 */

export interface ConsistencyInput {
  personId: string;
  source: string;
  matchGroup?: string | null;
}

export interface ConsistencyRow {
  personId: string;
  total: number;
  agreeing: number;
  /** CRM-side records with no check-in. */
  crmOnly: number;
  /** Check-ins with no CRM-side record. */
  checkinOnly: number;
  /** agreeing / total, or undefined without records. */
  share: number | undefined;
}

const CHECKIN = 'dingtalk_checkin';
const NOT_A_VISIT_SYSTEM = new Set(['dingtalk_attendance']);

export function consistencyReport(records: readonly ConsistencyInput[]): { people: ConsistencyRow[]; overall: ConsistencyRow } {
  const groupSources = new Map<string, Set<string>>();
  for (const r of records) {
    if (!r.matchGroup) continue;
    const set = groupSources.get(r.matchGroup) ?? new Set<string>();
    set.add(r.source === CHECKIN ? 'checkin' : 'crm');
    groupSources.set(r.matchGroup, set);
  }
  const rows = new Map<string, ConsistencyRow>();
  const overall: ConsistencyRow = { personId: '*', total: 0, agreeing: 0, crmOnly: 0, checkinOnly: 0, share: undefined };
  for (const r of records) {
    if (NOT_A_VISIT_SYSTEM.has(r.source)) continue;
    const row = rows.get(r.personId) ?? { personId: r.personId, total: 0, agreeing: 0, crmOnly: 0, checkinOnly: 0, share: undefined };
    rows.set(r.personId, row);
    const sides = r.matchGroup ? groupSources.get(r.matchGroup) : undefined;
    const agrees = sides !== undefined && sides.has('checkin') && sides.has('crm');
    for (const x of [row, overall]) {
      x.total++;
      if (agrees) x.agreeing++;
      else if (r.source === CHECKIN) x.checkinOnly++;
      else x.crmOnly++;
    }
  }
  const finish = (x: ConsistencyRow) => ({ ...x, share: x.total > 0 ? x.agreeing / x.total : undefined });
  return { people: [...rows.values()].map(finish).sort((a, b) => (a.share ?? 2) - (b.share ?? 2) || a.personId.localeCompare(b.personId)), overall: finish(overall) };
}

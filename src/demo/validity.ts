/**
 * The demo's visit validity rule, so a freshly loaded company already shows counted / not-counted visits:
 * a visit counts if it lasted ≥ 30 minutes and has a location at the customer (CRM coordinates, or a
 * DingTalk check-in within 1 km). The activity chain owns the real, configurable rules and re-evaluates.
 */
export const DEMO_RULE = { minDurationMin: 30, maxDistanceKm: 1 } as const;

export interface VisitEvidence {
  /** From the CRM; undefined when the visit exists only as a check-in. */
  durationMin: number | undefined;
  crmHasCoordinates: boolean;
  /** Distance of the matching check-in from the customer, km; undefined without a check-in. */
  checkinDistanceKm: number | undefined;
}

export function visitValidity(v: VisitEvidence): { counted: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (v.durationMin === undefined) reasons.push('只有钉钉签到、CRM 无拜访记录：时长未知');
  else if (v.durationMin < DEMO_RULE.minDurationMin) reasons.push(`时长 ${v.durationMin} 分钟 < ${DEMO_RULE.minDurationMin} 分钟`);
  const checkinNear = v.checkinDistanceKm !== undefined && v.checkinDistanceKm <= DEMO_RULE.maxDistanceKm;
  if (!v.crmHasCoordinates && !checkinNear) {
    if (v.checkinDistanceKm === undefined) reasons.push('无定位，也无签到记录');
    else reasons.push(`签到位置距客户 ${v.checkinDistanceKm.toFixed(1)} 公里 > ${DEMO_RULE.maxDistanceKm} 公里`);
  }
  return { counted: reasons.length === 0, reasons };
}

/** A check-in that belongs to a CRM visit is the same visit seen twice: it never counts on its own. */
export const CHECKIN_MERGED_REASON = '与 CRM 拜访为同一次拜访，按一次计';

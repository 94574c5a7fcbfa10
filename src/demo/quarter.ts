/** The quarter in progress as HR would have configured it for the demo company. Pure. */
import { DateTime } from 'luxon';
import type { QuarterShape } from './shapes.js';
import { COMPANY_FOCUS, INDUSTRIES, KEY_ACCOUNTS } from './vocabulary.js';

export function quarterDoc(q: { id: string; start: Date; end: Date }, zone: string, reviewGroupIds: string[]): QuarterShape {
  // The review meeting: the quarter's last Thursday, 14:00 local (so T−72h is the Monday before, 14:00).
  let review = DateTime.fromJSDate(q.end, { zone }).minus({ days: 1 }).startOf('day');
  while (review.weekday !== 4) review = review.minus({ days: 1 });
  return {
    _id: q.id,
    startDate: q.start,
    endDate: q.end,
    reviewAt: review.set({ hour: 14 }).toJSDate(),
    timeZone: zone,
    metrics: [
      { key: 'signed_amount', name: '签约额', nameEn: 'Signed amount', unit: 'cny', kind: 'kpi' },
      { key: 'new_customers', name: '新客户数', nameEn: 'New customers', unit: 'count', kind: 'kpi' },
      { key: 'proposal_rate', name: '方案定制率', nameEn: 'Proposal customisation rate', unit: 'percent', kind: 'kpi' },
    ],
    direction: { industries: [...COMPANY_FOCUS], keyAccounts: [...KEY_ACCOUNTS] },
    industryOptions: [...INDUSTRIES],
    activityTypes: [
      { key: 'visit', name: '拜访', nameEn: 'Visit' },
      { key: 'call', name: '电话', nameEn: 'Call' },
      { key: 'email', name: '邮件', nameEn: 'Email' },
      { key: 'meeting', name: '会议', nameEn: 'Meeting' },
      { key: 'proposal', name: '方案', nameEn: 'Proposal' },
    ],
    reportSchedule: { weekday: 5, time: '17:00' },
    reviewGroupIds,
    status: 'active',
    updatedBy: 'hr01',
  };
}


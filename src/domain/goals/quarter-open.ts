import { dayKey } from '../time/calendar.js';
import { msg, type Msg } from './msg.js';

/**
 * Goals are set and changed only while their quarter has not ended: a goal for a closed quarter would be
 * judged on results that are already in. Pure: `now` and the quarter's dates in, a refusal naming the
 * quarter's dates (its last day, in the quarter's zone; `end` is exclusive) or undefined out.
 */
export function closedQuarterRefusal(q: { id: string; start: Date; end: Date; timeZone: string }, now: Date): Msg | undefined {
  if (now.getTime() < q.end.getTime()) return undefined;
  const from = dayKey(q.start, q.timeZone);
  const to = dayKey(new Date(q.end.getTime() - 1), q.timeZone);
  return msg(
    `${q.id}（${from} 至 ${to}）已经结束，不能再设定或修改这个季度的目标。发送「目标」设定当前季度的目标。`,
    `${q.id} (${from} to ${to}) has ended; its goals can no longer be set or changed. Send "goal" for the current quarter.`,
  );
}

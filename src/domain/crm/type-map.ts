import { TYPE_KEY } from '../activity/rules/rule-model.js';

/**
 * Which activity type a Salesforce record becomes, by object and picklist value:
 * "Event.Call=call,Event.*=visit,Task.Prep=proposal". Values compare case-insensitively; `*` is the
 * object's fallback; unlisted values become "other" (stored, not counted).
 */
export type TypeMap = ReadonlyMap<string, string>;

export const DEFAULT_SALESFORCE_TYPE_MAP = 'Event.Call=call,Event.Email=email,Event.*=visit,Task.Call=call,Task.Email=email,Task.Meeting=meeting,Task.Prep=proposal,Task.*=other';

export function parseTypeMap(text: string): { ok: true; map: TypeMap } | { ok: false; error: string } {
  const map = new Map<string, string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(Event|Task)\.([^=]+)=(.+)$/.exec(part);
    if (!m) return { ok: false, error: `"${part}" should look like Event.<Type>=<type key> or Task.<Type>=<type key>` };
    const type = m[3]!.trim();
    if (!TYPE_KEY.test(type)) return { ok: false, error: `"${type}" is not a type key (lower-case letters, digits, _)` };
    map.set(`${m[1]}.${m[2]!.trim().toLowerCase()}`, type);
  }
  return { ok: true, map };
}

export function activityTypeFor(map: TypeMap, object: 'Event' | 'Task', value: string | null | undefined): string {
  return map.get(`${object}.${(value ?? '').trim().toLowerCase()}`) ?? map.get(`${object}.*`) ?? 'other';
}

import type { OrgDept, OrgUser } from '../../domain/org/sync-plan.js';
import type { Logger } from '../../logger.js';
import { DingTalkApiError, type DingTalkOpenApi } from './openapi-client.js';

/** DingTalk's "no such user" (the person left between listing and reading). */
const USER_NOT_FOUND = 60121;

export interface OrgSnapshot {
  users: OrgUser[];
  depts: OrgDept[];
}

/**
 * Reads the org from DingTalk's contact API (dingtalk-api.md §7): departments from dept 1 down through
 * `department/listsub` (one level per call), user ids per department, then `user/get` per user because
 * only it returns `manager_userid`. Any failure aborts the whole read: a partial snapshot would make
 * people look as if they had left.
 */
export class DingTalkOrgSource {
  constructor(
    private readonly api: Pick<DingTalkOpenApi, 'legacyPost'>,
    private readonly log: Logger,
    /** user/get calls in flight at once (DingTalk rate-limits per app). */
    private readonly concurrency = 4,
  ) {}

  async snapshot(): Promise<OrgSnapshot> {
    const depts: OrgDept[] = [];
    const userIds = new Set<string>();
    const queue = [1];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const deptId = queue.shift()!;
      if (seen.has(deptId)) continue;
      seen.add(deptId);
      const [dept, subs, ids] = await Promise.all([this.dept(deptId), this.subDepts(deptId), this.userIdsIn(deptId)]);
      depts.push(dept);
      queue.push(...subs);
      for (const id of ids) userIds.add(id);
    }
    const users = (await mapLimit([...userIds], this.concurrency, (id) => this.user(id))).filter((u): u is OrgUser => u !== undefined);
    this.log.info({ depts: depts.length, users: users.length }, 'org snapshot read');
    return { users, depts };
  }

  /** One user and the departments above them (enough to find their manager), for people not synced yet. */
  async one(userid: string): Promise<{ user: OrgUser; depts: OrgDept[] } | undefined> {
    const user = await this.user(userid);
    if (!user) return undefined;
    const depts: OrgDept[] = [];
    const seen = new Set<number>();
    let next: number | undefined = user.deptIds[0];
    while (next !== undefined && !seen.has(next)) {
      seen.add(next);
      const d = await this.dept(next);
      depts.push(d);
      next = d.parentId;
    }
    return { user, depts };
  }

  async user(userid: string): Promise<OrgUser | undefined> {
    try {
      const r = await this.api.legacyPost<{ result?: RawUser }>('topapi/v2/user/get', 'org.user.get', { userid, language: 'zh_CN' });
      return r.result ? toUser(r.result) : undefined;
    } catch (err) {
      if (err instanceof DingTalkApiError && err.errcode === USER_NOT_FOUND) return undefined;
      throw err;
    }
  }

  private async dept(deptId: number): Promise<OrgDept> {
    const r = await this.api.legacyPost<{ result?: { dept_id: number; name?: string; parent_id?: number; dept_manager_userid_list?: string[] } }>(
      'topapi/v2/department/get',
      'org.dept.get',
      { dept_id: deptId, language: 'zh_CN' },
    );
    const d = r.result;
    return { deptId, name: d?.name ?? String(deptId), parentId: d?.parent_id, managerUserIds: d?.dept_manager_userid_list ?? [] };
  }

  private async subDepts(deptId: number): Promise<number[]> {
    const r = await this.api.legacyPost<{ result?: Array<{ dept_id: number }> }>('topapi/v2/department/listsub', 'org.dept.listsub', { dept_id: deptId, language: 'zh_CN' });
    return (r.result ?? []).map((d) => d.dept_id);
  }

  private async userIdsIn(deptId: number): Promise<string[]> {
    const r = await this.api.legacyPost<{ result?: { userid_list?: string[] } }>('topapi/user/listid', 'org.user.listid', { dept_id: deptId });
    return r.result?.userid_list ?? [];
  }
}

interface RawUser {
  userid: string;
  name?: string;
  title?: string;
  job_number?: string;
  dept_id_list?: number[];
  leader_in_dept?: Array<{ dept_id: number; leader: boolean }>;
  manager_userid?: string;
  email?: string;
}

function toUser(r: RawUser): OrgUser {
  return {
    userid: r.userid,
    name: r.name || r.userid,
    title: r.title ?? '',
    deptIds: r.dept_id_list ?? [],
    managerUserId: r.manager_userid || undefined,
    leaderInDepts: (r.leader_in_dept ?? []).filter((l) => l.leader).map((l) => l.dept_id),
    email: r.email || undefined,
    jobNumber: r.job_number || undefined,
  };
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order; the first failure rejects. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

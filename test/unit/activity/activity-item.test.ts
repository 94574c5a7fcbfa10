import { describe, expect, it } from 'vitest';
import { itemToInput, validateItem } from '../../../src/domain/activity/activity-item.js';
import { csvLayout, csvRowToInput } from '../../../src/domain/activity/csv-row.js';
import { attendanceToActivity, checkinToActivity } from '../../../src/domain/activity/dingtalk-records.js';
import { typeAliases } from '../../../src/domain/activity/rules/context.js';

const good = {
  id: 'evt-1',
  system: 'hubspot',
  type: 'visit',
  person: { email: 'Zhang.Wei@Example.com' },
  startAt: '2026-11-24T10:00:00+08:00',
  endAt: '2026-11-24T10:45:00+08:00',
  customer: { id: 'C-9', name: '华为技术有限公司', lat: 31.2, lng: 121.4 },
  location: { lat: 31.201, lng: 121.401, place: '华为上海研究所' },
  dims: { proposalCustomized: true },
};

describe('webhook / CSV activity item', () => {
  it('turns a valid item into an activity keyed by system and id', () => {
    const r = validateItem(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(itemToInput(r.item, 'webhook', good)).toMatchObject({
      source: 'webhook',
      sourceId: 'hubspot:evt-1',
      person: { kind: 'email', email: 'zhang.wei@example.com' },
      startAt: new Date('2026-11-24T02:00:00Z'),
      endAt: new Date('2026-11-24T02:45:00Z'),
      account: { id: 'C-9', name: '华为技术有限公司', location: { lat: 31.2, lng: 121.4 } },
      dims: { proposalCustomized: true },
    });
  });

  it.each([
    [{ ...good, startAt: '2026-11-24 10:00' }, 'startAt', /带时区的 ISO-8601/],
    [{ ...good, startAt: '2026-02-30T10:00:00+08:00' }, 'startAt', /带时区/],
    [{ ...good, startAt: 1732413600 }, 'startAt', /ISO-8601 时间字符串/],
    [{ ...good, endAt: '2026-11-24T09:00:00+08:00' }, 'endAt', /早于 startAt/],
    [{ ...good, endAt: '2026-11-25T11:00:00+08:00' }, 'endAt', /最长 24 小时/],
    [{ ...good, type: 'Visit!' }, 'type', /小写英文键/],
    [{ ...good, person: { userId: 'rep01', email: 'a@b.co' } }, 'person', /其中之一/],
    [{ ...good, person: 'rep01' }, 'person', /要是对象/],
    [{ ...good, location: { lat: 91, lng: 0 } }, 'location.lat', /-90 到 90/],
    [{ ...good, location: { lat: 31 } }, 'location', /同时给 lat 和 lng/],
    [{ ...good, strat: 'x' }, '(item)', /不认识的字段：strat/],
    [{ ...good, dims: { x: { nested: 1 } } }, 'dims.x', /字符串、数字或布尔值/],
    [{ ...good, id: '' }, 'id', /不能为空/],
    [[1, 2], '(item)', /JSON 对象/],
  ])('refuses %j with a message naming the field', (item, path, message) => {
    const r = validateItem(item);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});

describe('CSV rows', () => {
  const opts = { zone: 'Asia/Shanghai', typeAliases: typeAliases() };

  it('reads Chinese headers, Chinese type names and times without an offset in the company zone', () => {
    const l = csvLayout(['编号', '人员邮箱', '类型', '开始时间', '结束时间', '客户名称', '纬度', '经度', 'dim_方案定制']);
    expect(l.ok).toBe(true);
    if (!l.ok) return;
    const r = csvRowToInput(['r1', 'li.na@example.com', '拜访', '2026-11-24 10:00', '2026-11-24 10:40', '腾讯', '22.54', '113.93', 'true'], l.layout, opts);
    expect(r.ok && r.input).toMatchObject({
      source: 'csv',
      sourceId: 'csv:r1',
      type: 'visit',
      startAt: new Date('2026-11-24T02:00:00Z'),
      endAt: new Date('2026-11-24T02:40:00Z'),
      location: { lat: 22.54, lng: 113.93 },
      dims: { 方案定制: true },
    });
  });

  it('names the column and shows the value in row errors', () => {
    const l = csvLayout(['id', 'person_userid', 'type', 'start', 'lat', 'lng', 'completed']);
    if (!l.ok) throw new Error(l.errors.join());
    const r = csvRowToInput(['r2', 'rep01', 'call', '2026/13/01', 'north', '1', 'maybe'], l.layout, opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { column: 'start', message: '要是时间，例如 2026-11-23 10:00 或 2026-11-23T10:00:00+08:00（收到 "2026/13/01"）' },
      { column: 'lat', message: '要是数字（收到 "north"）' },
      { column: 'completed', message: '要是 是/否、true/false 或 1/0（收到 "maybe"）' },
    ]);
    const r2 = csvRowToInput(['r3', 'rep01', 'call', '2026-11-24 10:00', '31', '', ''], l.layout, opts);
    expect(r2.ok === false && r2.issues).toEqual([{ column: 'lat/lng', message: '位置坐标要同时给 lat 和 lng' }]);
  });

  it('refuses a header with unknown, duplicate or missing columns, all at once', () => {
    const l = csvLayout(['id', 'type', 'type', 'strat', 'person_email']);
    expect(l.ok === false && l.errors).toEqual([
      '第 3 列「type」重复了',
      expect.stringMatching(/^第 4 列「strat」不认识。可用的列：id, system/),
      '缺少必需的列「start」',
    ]);
  });
});

describe('DingTalk records', () => {
  it('turns a check-in into a visit with the 拜访对象 as customer, tolerating empty coordinates', () => {
    const a = checkinToActivity({ userid: 'rep01', checkin_time: 1764036000000, place: '上海', detail_place: '上海市浦东新区张江路 1 号', visit_user: '华为技术', latitude: '', longitude: '', image_list: ['u1'] });
    expect(a).toMatchObject({ source: 'dingtalk_checkin', sourceId: 'rep01:1764036000000', type: 'visit', account: { name: '华为技术' }, location: { place: '上海市浦东新区张江路 1 号' }, dims: { images: 1 } });
    expect(a?.location).not.toHaveProperty('lat');
    expect(checkinToActivity({ userid: 'rep01', checkin_time: 1, latitude: '31.2', longitude: '121.5' })?.location).toEqual({ lat: 31.2, lng: 121.5 });
  });

  it('turns an attendance punch into an attendance record keyed by its result id', () => {
    expect(attendanceToActivity({ id: 9001, userId: 'rep01', checkType: 'OnDuty', timeResult: 'Late', locationResult: 'Outside', userCheckTime: 1764036000000 })).toMatchObject({
      source: 'dingtalk_attendance',
      sourceId: '9001',
      type: 'attendance',
      dims: { checkType: 'OnDuty', timeResult: 'Late', locationResult: 'Outside' },
    });
  });
});

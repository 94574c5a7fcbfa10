import { z } from 'zod';
import { DEFAULT_RULES_TEXT } from './domain/activity/rules/rule-model.js';
import { typeAliases } from './domain/activity/rules/context.js';
import { parseRules } from './domain/activity/rules/rule-parser.js';
import { DEFAULT_SALESFORCE_TYPE_MAP, parseTypeMap } from './domain/crm/type-map.js';

/**
 * Every environment variable the service reads, validated at start-up.
 * `.env.example` documents the same keys; a unit test keeps the two in sync.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();
const url = z.url({ protocol: /^(https?|wss?)$/ });
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
const timeZone = z.string().refine(isValidTimeZone, { message: 'not an IANA time zone (e.g. Asia/Shanghai)' });
// An Agenda schedule: "15 minutes", "1 hour", a 5-field cron, or "off".
const schedule = z
  .string()
  .regex(/^(off|\d+\s*(second|seconds|minute|minutes|hour|hours|day|days)|(\S+\s+){4}\S+)$/, 'use e.g. "15 minutes", "1 hour", a cron like "*/10 * * * *", or "off"')
  // null, not undefined: zod would apply the default to an undefined result.
  .transform((v) => (v === 'off' ? null : v));

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: bool.default(false),

    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: url.optional(),

    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    LOCAL_MONGO_KIND: z.enum(['auto', 'mongod', 'ferretdb', 'mongo-java-server']).default('auto'),
    DATA_DIR: z.string().min(1).default('./data'),

    DINGTALK_MODE: z.enum(['auto', 'dingtalk', 'local']).default('auto'),
    DINGTALK_CLIENT_ID: z.string().min(1).optional(),
    DINGTALK_CLIENT_SECRET: z.string().min(1).optional(),
    DINGTALK_ROBOT_CODE: z.string().min(1).optional(),
    DINGTALK_CORP_ID: z.string().min(1).optional(),
    DINGTALK_GATEWAY_URL: url.default('https://api.dingtalk.com/v1.0/gateway/connections/open'),
    DINGTALK_API_BASE: url.default('https://api.dingtalk.com'),
    DINGTALK_OAPI_BASE: url.default('https://oapi.dingtalk.com'),
    DINGTALK_HTTP_TIMEOUT_MS: positiveInt.default(10_000),
    DINGTALK_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
    DINGTALK_SEND_QPS: z.coerce.number().positive().max(1000).default(20),
    DINGTALK_KEEPALIVE: bool.default(true),
    DINGTALK_CARD_TEMPLATE_PREFIX: z.string().default(''),

    APP_TIMEZONE: timeZone.default('Asia/Shanghai'),
    HR_USER_IDS: csv.default([]),
    INBOX_RETENTION_DAYS: positiveInt.default(7),
    ORG_SYNC_CRON: z.string().regex(/^\S+(\s+\S+){4}$/, 'must be a 5-field cron expression, e.g. "0 3 * * *"').default('0 3 * * *'),

    DEMO_COMPANY_SIZE: z.coerce.number().int().min(0).max(10_000).default(56),
    DEMO_SEED: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(20_260_101),
    DEMO_HISTORY_QUARTERS: z.coerce.number().int().min(0).max(8).default(4),

    ACTIVITY_DEFAULT_RULES: z
      .string()
      .default(DEFAULT_RULES_TEXT)
      .superRefine((v, ctx) => {
        const r = parseRules(v, typeAliases());
        if (!r.ok) ctx.addIssue({ code: 'custom', message: r.errors.map((e) => e.message).join('; ') });
      }),
    ACTIVITY_BACKFILL_FROM: z.iso.date('an ISO date such as 2026-10-01').optional(),
    ACTIVITY_SYNC_CHECKINS_EVERY: schedule.default('15 minutes'),
    ACTIVITY_SYNC_ATTENDANCE_EVERY: schedule.default('1 hour'),
    ACTIVITY_WEBHOOK_SECRETS: csv.pipe(z.array(z.string().min(32, 'each webhook secret needs at least 32 characters'))).default([]),
    ACTIVITY_WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),

    SALESFORCE_MODE: z.enum(['auto', 'salesforce', 'local', 'off']).default('auto'),
    SALESFORCE_LOGIN_URL: url.default('https://login.salesforce.com'),
    SALESFORCE_GRANT: z.enum(['client_credentials', 'password']).default('client_credentials'),
    SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
    SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
    SALESFORCE_USERNAME: z.string().min(1).optional(),
    SALESFORCE_PASSWORD: z.string().min(1).optional(),
    SALESFORCE_API_VERSION: z.string().regex(/^\d{2}\.0$/, 'like 60.0').default('60.0'),
    SALESFORCE_SYNC_EVERY: schedule.default('10 minutes'),
    SALESFORCE_BATCH_SIZE: z.coerce.number().int().min(200).max(2000).default(2000),
    SALESFORCE_TASK_TYPE_FIELD: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a Task field API name, e.g. TaskSubtype, Type or Type__c').default('TaskSubtype'),
    SALESFORCE_TYPE_MAP: z
      .string()
      .default(DEFAULT_SALESFORCE_TYPE_MAP)
      .superRefine((v, ctx) => {
        const r = parseTypeMap(v);
        if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error });
      }),
    SALESFORCE_USER_MAP: z
      .string()
      .regex(/^(\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)(,\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)*$|^$/, 'comma-separated <Salesforce user id or email:addr>=<DingTalk userid>')
      .default(''),
    SALESFORCE_CNY_PER_UNIT: z.coerce.number().positive().default(1),
    SALESFORCE_HTTP_TIMEOUT_MS: positiveInt.default(30_000),
    SALESFORCE_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),

    REPORT_WEEKDAY: z.coerce.number().int().min(1).max(7).default(5),
    REPORT_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm (24-hour), e.g. 17:00').default('17:00'),
    REPORT_TICK_SECONDS: positiveInt.default(60),
    REPORT_LEASE_SECONDS: positiveInt.default(60),
    REPORT_RETRY_MINUTES: positiveInt.default(30),
    REPORT_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
    REPORT_SLICE_SIZE: z.coerce.number().int().min(1).max(100_000).default(500),

    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
    PREDICTION_ALERT_WEEK: z.coerce.number().int().min(4).max(12).default(8),
    PREDICTION_THRESHOLD: z.coerce.number().gt(0).lt(1).default(0.5),
    PREDICTION_RETRAIN_CRON: z.string().min(1).default('0 3 * * 1'),
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly pretty: boolean };
  readonly http: { readonly host: string; readonly port: number; readonly publicBaseUrl: string | undefined };
  readonly mongo: { readonly uri: string | undefined; readonly localKind: Env['LOCAL_MONGO_KIND']; readonly dataDir: string };
  readonly dingtalk: {
    /** `local`: the bundled fake DingTalk on 127.0.0.1 stands in for the real one. */
    readonly mode: 'dingtalk' | 'local';
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly robotCode: string | undefined;
    readonly corpId: string | undefined;
    readonly gatewayUrl: string;
    readonly apiBase: string;
    readonly oapiBase: string;
    readonly httpTimeoutMs: number;
    readonly maxRetries: number;
    readonly sendQps: number;
    readonly keepAlive: boolean;
    readonly cardTemplatePrefix: string;
  };
  readonly timeZone: string;
  readonly hrUserIds: readonly string[];
  readonly inboxRetentionDays: number;
  /** When the org is synced from DingTalk (cron, in timeZone). */
  readonly orgSyncCron: string;
  /** Local mode only: the synthetic company loaded on first start (size 0 = just the tiny starter org). */
  /** historyQuarters: finished quarters before the current one (the prediction's training data). */
  readonly demo: { readonly size: number; readonly seed: number; readonly historyQuarters: number };
  readonly activity: {
    /** Rule text for quarters HR has not configured. */
    readonly defaultRules: string;
    /** ISO date the connectors' first run starts from; undefined = start of the current quarter. */
    readonly backfillFrom: string | undefined;
    /** Agenda schedules; undefined = that connector is off. */
    readonly syncCheckinsEvery: string | undefined;
    readonly syncAttendanceEvery: string | undefined;
    /** Accepted HMAC secrets for POST /api/v1/activities (several while rotating); empty = webhook off. */
    readonly webhookSecrets: readonly string[];
    readonly webhookMaxBytes: number;
  };
  readonly salesforce: {
    /** `local`: a fake org with the sample export on 127.0.0.1; `off`: no Salesforce connector. */
    readonly mode: 'salesforce' | 'local' | 'off';
    readonly loginUrl: string;
    readonly grant: 'client_credentials' | 'password';
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly username: string | undefined;
    readonly password: string | undefined;
    readonly apiVersion: string;
    readonly syncEvery: string | undefined;
    readonly batchSize: number;
    readonly taskTypeField: string;
    readonly typeMap: string;
    readonly userMap: string;
    readonly cnyPerUnit: number;
    readonly httpTimeoutMs: number;
    readonly maxRetries: number;
  };
  readonly report: {
    /** Used for quarters without a valid reportSchedule of their own. */
    readonly defaultSchedule: { readonly weekday: number; readonly time: string };
    readonly tickSeconds: number;
    readonly leaseMs: number;
    readonly retryMs: number;
    readonly concurrency: number;
    /** People per slice of the Friday pass (REPORT_SLICE_SIZE): loaded, computed, sent and let go together. */
    readonly sliceSize: number;
  };
  /** The read API for IT (/api/v1, docs/api.md). */
  readonly api: {
    /** Requests per key per minute, shared by all instances; above it: 429 with Retry-After. */
    readonly rateLimitPerMinute: number;
  };
  readonly prediction: {
    /** The week of the quarter whose end triggers the managers' risk alert. */
    readonly alertWeek: number;
    /** Reps below this probability are at risk (alert, lists). */
    readonly threshold: number;
    /** When the weekly retraining runs (cron, company time zone). */
    readonly retrainCron: string;
  };
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads and validates configuration; throws ConfigError naming every bad variable at once. */
export function readConfig(source: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(envSchema.shape);
  // Empty strings mean "unset" (docker-compose passes `FOO=` through), except where a flag accepts them.
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = envSchema.safeParse(input);
  const problems = [...crossFieldProblems(input)];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '(env)');
      const shown = source[key] === undefined ? 'unset' : JSON.stringify(source[key]);
      problems.push(`${key}: ${issue.message} (got ${shown})`);
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const hasCredentials = e.DINGTALK_CLIENT_ID !== undefined;
  const mode = e.DINGTALK_MODE === 'auto' ? (hasCredentials ? 'dingtalk' : 'local') : e.DINGTALK_MODE;
  return deepFreeze({
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    http: { host: e.HTTP_HOST, port: e.PORT, publicBaseUrl: e.PUBLIC_BASE_URL },
    mongo: { uri: e.MONGODB_URI, localKind: e.LOCAL_MONGO_KIND, dataDir: e.DATA_DIR },
    dingtalk: {
      mode,
      clientId: e.DINGTALK_CLIENT_ID,
      clientSecret: e.DINGTALK_CLIENT_SECRET,
      robotCode: e.DINGTALK_ROBOT_CODE ?? e.DINGTALK_CLIENT_ID,
      corpId: e.DINGTALK_CORP_ID,
      gatewayUrl: e.DINGTALK_GATEWAY_URL,
      apiBase: stripSlash(e.DINGTALK_API_BASE),
      oapiBase: stripSlash(e.DINGTALK_OAPI_BASE),
      httpTimeoutMs: e.DINGTALK_HTTP_TIMEOUT_MS,
      maxRetries: e.DINGTALK_MAX_RETRIES,
      sendQps: e.DINGTALK_SEND_QPS,
      keepAlive: e.DINGTALK_KEEPALIVE,
      cardTemplatePrefix: e.DINGTALK_CARD_TEMPLATE_PREFIX,
    },
    timeZone: e.APP_TIMEZONE,
    hrUserIds: e.HR_USER_IDS,
    inboxRetentionDays: e.INBOX_RETENTION_DAYS,
    orgSyncCron: e.ORG_SYNC_CRON,
    demo: { size: e.DEMO_COMPANY_SIZE, seed: e.DEMO_SEED, historyQuarters: e.DEMO_HISTORY_QUARTERS },
    activity: {
      defaultRules: e.ACTIVITY_DEFAULT_RULES,
      backfillFrom: e.ACTIVITY_BACKFILL_FROM,
      syncCheckinsEvery: e.ACTIVITY_SYNC_CHECKINS_EVERY ?? undefined,
      syncAttendanceEvery: e.ACTIVITY_SYNC_ATTENDANCE_EVERY ?? undefined,
      webhookSecrets: e.ACTIVITY_WEBHOOK_SECRETS,
      webhookMaxBytes: e.ACTIVITY_WEBHOOK_MAX_BYTES,
    },
    salesforce: {
      mode: e.SALESFORCE_MODE === 'auto' ? (e.SALESFORCE_CLIENT_ID !== undefined ? 'salesforce' : 'off') : e.SALESFORCE_MODE,
      loginUrl: stripSlash(e.SALESFORCE_LOGIN_URL),
      grant: e.SALESFORCE_GRANT,
      clientId: e.SALESFORCE_CLIENT_ID,
      clientSecret: e.SALESFORCE_CLIENT_SECRET,
      username: e.SALESFORCE_USERNAME,
      password: e.SALESFORCE_PASSWORD,
      apiVersion: e.SALESFORCE_API_VERSION,
      syncEvery: e.SALESFORCE_SYNC_EVERY ?? undefined,
      batchSize: e.SALESFORCE_BATCH_SIZE,
      taskTypeField: e.SALESFORCE_TASK_TYPE_FIELD,
      typeMap: e.SALESFORCE_TYPE_MAP,
      userMap: e.SALESFORCE_USER_MAP,
      cnyPerUnit: e.SALESFORCE_CNY_PER_UNIT,
      httpTimeoutMs: e.SALESFORCE_HTTP_TIMEOUT_MS,
      maxRetries: e.SALESFORCE_MAX_RETRIES,
    },
    report: {
      defaultSchedule: { weekday: e.REPORT_WEEKDAY, time: e.REPORT_TIME },
      tickSeconds: e.REPORT_TICK_SECONDS,
      leaseMs: e.REPORT_LEASE_SECONDS * 1000,
      retryMs: e.REPORT_RETRY_MINUTES * 60_000,
      // Enough cards in flight to keep the send limiter busy while others render and upload.
      concurrency: e.REPORT_CONCURRENCY ?? Math.max(4, Math.ceil(e.DINGTALK_SEND_QPS / 2)),
      sliceSize: e.REPORT_SLICE_SIZE,
    },
    api: { rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE },
    prediction: { alertWeek: e.PREDICTION_ALERT_WEEK, threshold: e.PREDICTION_THRESHOLD, retrainCron: e.PREDICTION_RETRAIN_CRON },
  });
}

function* crossFieldProblems(input: Record<string, string>): Generator<string> {
  const hasId = input.DINGTALK_CLIENT_ID !== undefined;
  const hasSecret = input.DINGTALK_CLIENT_SECRET !== undefined;
  const production = input.NODE_ENV === 'production';
  // Production never falls back to the stand-in: it would serve /dev/say and /sim (act as anyone, move the
  // clock) and write fake people into the real database. One line names what is missing.
  if (production && (!hasId || !hasSecret)) {
    const missing = [hasId ? undefined : 'DINGTALK_CLIENT_ID', hasSecret ? undefined : 'DINGTALK_CLIENT_SECRET'].filter(Boolean).join(', ');
    yield `${missing}: required when NODE_ENV=production (the local DingTalk stand-in, /dev and /sim are for development only) (got unset)`;
  } else if (hasId !== hasSecret) {
    const missing = hasId ? 'DINGTALK_CLIENT_SECRET' : 'DINGTALK_CLIENT_ID';
    yield `${missing}: set both DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET, or neither for the local stand-in (got unset)`;
  }
  if (input.NODE_ENV === 'production' && input.MONGODB_URI === undefined) {
    yield 'MONGODB_URI: required when NODE_ENV=production (the bundled local server is for development) (got unset)';
  }
  if (production && input.DINGTALK_MODE === 'local') {
    yield 'DINGTALK_MODE: local (the stand-in) is not allowed when NODE_ENV=production (got "local")';
  }
  if (production && input.SALESFORCE_MODE === 'local') {
    yield 'SALESFORCE_MODE: local (the Salesforce stand-in) is not allowed when NODE_ENV=production (got "local")';
  }
  if (input.DINGTALK_MODE === 'dingtalk' && !hasId && !production) {
    yield 'DINGTALK_CLIENT_ID: required when DINGTALK_MODE=dingtalk (got unset)';
  }
  const sfMode = input.SALESFORCE_MODE ?? 'auto';
  const sfWanted = sfMode === 'salesforce' || (sfMode === 'auto' && input.SALESFORCE_CLIENT_ID !== undefined);
  if (sfWanted) {
    for (const key of ['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET']) {
      if (input[key] === undefined) yield `${key}: required to connect to Salesforce (SALESFORCE_MODE=${sfMode}) (got unset)`;
    }
    if (input.SALESFORCE_GRANT === 'password') {
      for (const key of ['SALESFORCE_USERNAME', 'SALESFORCE_PASSWORD']) {
        if (input[key] === undefined) yield `${key}: required with SALESFORCE_GRANT=password (got unset)`;
      }
    }
  }
}

function stripSlash(u: string): string {
  return u.endsWith('/') ? u.slice(0, -1) : u;
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const v of Object.values(obj)) deepFreeze(v);
    Object.freeze(obj);
  }
  return obj;
}

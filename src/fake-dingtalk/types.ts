/** One HTTP call the fake received, as a test or the simulator sees it. */
export interface RecordedCall {
  seq: number;
  at: number;
  method: string;
  path: string;
  /** Our label for the API, e.g. "robot.batchSend". */
  api: string;
  query: Record<string, string>;
  body: unknown;
  /** HTTP status answered; 0 while the call is still being handled. */
  status: number;
  /** True when an injected fault answered instead of the API. */
  injected: boolean;
}

/** Something the bot showed to people: a message or a card, in a 1:1 chat or a group. */
export interface Delivery {
  seq: number;
  at: number;
  via: 'session' | 'oto' | 'group' | 'card';
  /** `user:<userId>` for the 1:1 chat with the robot, `group:<openConversationId>` for a group. */
  conversation: string;
  /** People the delivery reached (1:1: the user; group: everyone, or the card's recipients). */
  userIds: string[];
  /** DingTalk message type: text, markdown, image, file, actionCard, card. */
  type: 'text' | 'markdown' | 'image' | 'actionCard' | 'card' | 'file';
  title?: string;
  text?: string;
  mediaId?: string;
  /** File messages (sampleFile): the name and type shown on the attachment. */
  fileName?: string;
  fileType?: string;
  buttons?: Array<{ title: string; url: string }>;
  outTrackId?: string;
  /** The raw msgKey/msgParam or webhook body, for assertions on the wire shape. */
  raw: unknown;
}

export interface CardRecord {
  outTrackId: string;
  templateId: string;
  conversation: string;
  cardParamMap: Record<string, string>;
  privateData: Record<string, Record<string, string>>;
  createdAt: number;
  updates: number;
  /** Every state the card had, oldest first. */
  history: Array<{ at: number; cardParamMap: Record<string, string> }>;
}

export interface FaultRule {
  /** Matches the API label (e.g. "robot.batchSend") or the path. */
  match: string | RegExp;
  status: number;
  body?: unknown;
  /** How many calls to fail; Infinity until cleared. */
  times: number;
  delayMs?: number;
  retryAfterSec?: number;
  /**
   * The call takes effect (the handler runs, e.g. the card is created) and only the answer is held back
   * this long: a response lost on the way, or a caller killed before it saw it. `status` is then unused.
   */
  answerAfterMs?: number;
}

export interface FakeUser {
  userid: string;
  name: string;
  title?: string;
  deptIds: number[];
  managerUserId?: string;
  email?: string;
  jobNumber?: string;
  active?: boolean;
  /** Depts this user leads. */
  leaderInDepts?: number[];
}

export interface FakeDept {
  deptId: number;
  name: string;
  parentId?: number;
  managerUserIds?: string[];
}

export interface FakeGroup {
  openConversationId: string;
  title: string;
  memberIds: string[];
}

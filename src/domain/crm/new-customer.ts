/**
 * New vs existing customer for each deal. Salesforce's Opportunity.Type says so when the org fills it
 * ("New Customer" / "Existing Customer - …"); otherwise an account's first won deal (by close date) is
 * a new customer and every later one is existing. A deal without an account is not counted as new:
 * new-customer counts are a goal metric, and guessing would inflate them.
 */
export interface DealForClassification {
  sourceId: string;
  accountId?: string | null;
  isWon: boolean;
  closeDate?: Date | null;
  dealType?: string | null;
}

export function classifyNewCustomers(deals: readonly DealForClassification[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const firstWon = new Map<string, { at: number; id: string }>();
  for (const d of deals) {
    if (!d.isWon || !d.accountId) continue;
    const at = d.closeDate?.getTime() ?? Number.POSITIVE_INFINITY;
    const cur = firstWon.get(d.accountId);
    if (!cur || at < cur.at || (at === cur.at && d.sourceId < cur.id)) firstWon.set(d.accountId, { at, id: d.sourceId });
  }
  for (const d of deals) {
    const t = d.dealType?.trim().toLowerCase() ?? '';
    if (t.startsWith('new')) out.set(d.sourceId, true);
    else if (t.startsWith('existing')) out.set(d.sourceId, false);
    else if (!d.accountId) out.set(d.sourceId, false);
    else {
      const first = firstWon.get(d.accountId);
      if (!first) out.set(d.sourceId, true); // nothing won yet: whatever closes first is a new customer
      else if (d.isWon) out.set(d.sourceId, first.id === d.sourceId);
      else out.set(d.sourceId, (d.closeDate?.getTime() ?? Number.POSITIVE_INFINITY) <= first.at);
    }
  }
  return out;
}

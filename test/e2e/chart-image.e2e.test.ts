import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPng } from '../../src/adapters/charts/vega-renderer.js';
import { barChartSpec } from '../../src/domain/charts/bar-chart.js';
import { startHarness, type Harness } from '../helpers/service-harness.js';

describe('a chart posted into a chat', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('renders Chinese names to a PNG, uploads it as media and sends it as an image message', async () => {
    const spec = barChartSpec({
      title: '本季度签约额',
      rows: [
        { label: '张伟', value: 820_000 },
        { label: '刘洋', value: 450_000 },
        { label: '欧阳秀英', value: 130_000 },
      ],
      valueTitle: '签约额（元）',
    });
    const png = await renderPng(spec);
    const mediaId = await h.service.messenger.uploadImage(png, 'signed.png');
    await h.service.messenger.send({ kind: 'group', openConversationId: 'cidTeamEast' }, { type: 'image', mediaId });

    const upload = h.fake.callsTo('media.upload');
    expect(upload).toHaveLength(1);
    expect(upload[0]!.query.type).toBe('image');
    const delivered = await h.fake.outbox.waitFor((d) => d.conversation === 'group:cidTeamEast' && d.type === 'image');
    expect(delivered.mediaId).toBe(mediaId);
    expect(delivered.raw).toMatchObject({ msgKey: 'sampleImageMsg' });
    // What the group sees is exactly the chart we rendered.
    const stored = h.fake.media.get(mediaId)!;
    expect(stored.data.equals(png)).toBe(true);
    const meta = await sharp(stored.data).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(400);
  });
});

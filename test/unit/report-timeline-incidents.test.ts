// Outages close together read as one incident, and no two labels on the timeline collide.
import { describe, expect, it } from 'vitest';
import { groupIncidents, renderTimelineSvg } from '../../harness/report/html-timeline-svg.ts';
import type { Outage } from '../../harness/results.ts';

const outage = (startMs: number, durationMs: number): Outage => ({
  start: '',
  end: '',
  startMs,
  endMs: startMs + durationMs,
  durationMs,
  failures: 1,
  causes: { timeout: 1 },
  phase: 'upgrade',
});
const series = { bucketMs: 100, ok: Array.from({ length: 600 }, () => 5), failed: Array.from({ length: 600 }, () => 0), latencyP95: Array.from({ length: 600 }, () => 3) };

describe('incidents on the timeline', () => {
  it('join outages that follow each other within the gap', () => {
    const many = Array.from({ length: 33 }, (_, i) => outage(10_000 + i * 50, 0));
    const incidents = groupIncidents([...many, outage(40_000, 1200)], 1000);
    expect(incidents.map((incident) => [incident.outages.length, incident.failures])).toEqual([
      [33, 33],
      [1, 1],
    ]);
  });

  it('label each incident once, and never two labels on top of each other', () => {
    const outages = [...Array.from({ length: 33 }, (_, i) => outage(10_000 + i * 50, 0)), ...Array.from({ length: 8 }, (_, i) => outage(30_000 + i * 1500, 400))];
    const svg = renderTimelineSvg({ series, phases: [], outages, events: [], label: 'cell' });
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="(\d+)" text-anchor="middle">([^<]+)<\/text>/g)].filter((m) => /×|ms|s$/.test(m[3]!) && Number(m[2]) < 44);
    expect(labels.some((m) => m[3] === '33× 0 ms')).toBe(true);
    for (const [i, a] of labels.entries()) {
      for (const b of labels.slice(i + 1)) {
        if (a[2] !== b[2]) continue;
        const apart = Math.abs(Number(a[1]) - Number(b[1]));
        expect(apart, `${a[3]} and ${b[3]}`).toBeGreaterThanOrEqual(((a[3]!.length + b[3]!.length) * 6.2) / 2);
      }
    }
  });
});

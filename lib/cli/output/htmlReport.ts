import type { GroupFigures, OpsReport } from '../../app/opsReport';
import { duration, instant, percent, usd } from './format';

/**
 * `poolwarden report --format html`: one self-contained file (inline CSS and SVG, no script,
 * no font, no external resource) with the totals, a timeline of pools and two charts.
 */
const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const COLORS = {
  busy: '#3b6fb6',
  idle: '#e3a33b',
  reused: '#2e9d5b',
  extended: '#7a4fc2',
  stopped: '#c8372d',
  ended: '#666666',
} as const;

const LABEL_WIDTH = 220;
const CHART_WIDTH = 760;
const ROW = 22;

const timeline = (report: OpsReport): string => {
  const pools = report.pools;
  if (pools.length === 0) return '<p class="empty">No pools in this window.</p>';
  // The span the pools were active in, within the window: a quiet week would squash a busy hour.
  const starts = pools.flatMap((p) => p.segments.map((s) => s.fromMs));
  const ends = pools.flatMap((p) => [...p.segments.map((s) => s.toMs), ...p.marks.map((m) => m.atMs)]);
  const from = Math.max(report.fromMs, Math.min(...starts, report.toMs));
  const to = Math.max(Math.min(report.toMs, Math.max(...ends, report.fromMs)), from + 60_000);
  const x = (ms: number) =>
    LABEL_WIDTH + ((Math.min(Math.max(ms, from), to) - from) / (to - from)) * CHART_WIDTH;
  const height = pools.length * ROW + 30;
  const rows = pools.map((pool, i) => {
    const y = i * ROW + 4;
    const segments = pool.segments
      .map(
        (s) =>
          `<rect class="segment ${s.kind}" x="${x(s.fromMs).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(s.toMs) - x(s.fromMs)).toFixed(1)}" height="${ROW - 8}" fill="${COLORS[s.kind]}"><title>${escapeHtml(`${s.kind} ${s.job}: ${instant(s.fromMs)} .. ${instant(s.toMs)}`)}</title></rect>`,
      )
      .join('');
    const marks = pool.marks
      .map(
        (m) =>
          `<circle class="mark ${m.kind}" cx="${x(m.atMs).toFixed(1)}" cy="${y + ROW / 2 - 1}" r="4" fill="${COLORS[m.kind]}"><title>${escapeHtml(`${m.label} at ${instant(m.atMs)}`)}</title></circle>`,
      )
      .join('');
    const label = `${pool.poolId}${pool.owner ? ` (${pool.owner})` : ''}`;
    return `<g class="pool-row" data-pool="${escapeHtml(pool.poolId)}"><text x="0" y="${y + ROW / 2 + 3}" class="label">${escapeHtml(label.length > 32 ? `${label.slice(0, 31)}…` : label)}</text>${segments}${marks}</g>`;
  });
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const ms = from + f * (to - from);
      const px = LABEL_WIDTH + f * CHART_WIDTH;
      return `<text x="${px.toFixed(1)}" y="${height - 6}" class="axis" text-anchor="${f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}">${escapeHtml(instant(ms))}</text>`;
    })
    .join('');
  return `<svg class="timeline" role="img" aria-label="timeline of pools" width="${LABEL_WIDTH + CHART_WIDTH + 10}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}${axis}</svg>`;
};

const barChart = (
  id: string,
  title: string,
  groups: Readonly<Record<string, GroupFigures>>,
  value: (g: GroupFigures) => number,
  label: (v: number) => string,
): string => {
  const entries = Object.entries(groups).sort(
    (a, b) => value(b[1]) - value(a[1]) || a[0].localeCompare(b[0]),
  );
  const max = Math.max(...entries.map(([, g]) => value(g)), 1e-9);
  const width = 520;
  const bars = entries
    .map(([name, g], i) => {
      const v = value(g);
      const w = (v / max) * (width - 260);
      const y = i * 24 + 4;
      return `<g class="bar" data-group="${escapeHtml(name)}"><text x="0" y="${y + 14}" class="label">${escapeHtml(name)}</text><rect x="140" y="${y}" width="${w.toFixed(1)}" height="18" fill="#3b6fb6"/><text x="${(146 + w).toFixed(1)}" y="${y + 14}" class="value">${escapeHtml(label(v))}</text></g>`;
    })
    .join('');
  return `<figure id="${id}"><figcaption>${escapeHtml(title)}</figcaption><svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${entries.length * 24 + 8}" xmlns="http://www.w3.org/2000/svg">${bars}</svg></figure>`;
};

export const renderHtmlReport = (report: OpsReport): string => {
  const t = report.totals;
  const totals: Array<[string, string, string]> = [
    ['jobs', 'Jobs', String(t.jobs)],
    ['reuse-rate', 'Reuse rate', percent(t.reuseRate)],
    ['cold-starts-avoided', 'Cold starts avoided', String(t.coldStartsAvoided)],
    ['startup-saved', 'Startup time saved', duration(t.startupSecondsSaved)],
    ['idle-hours', 'Idle billable hours', (t.idleBillableSeconds / 3600).toFixed(2)],
    ['idle-cost', 'Idle cost', usd(t.idleCostUsd)],
    ['actions', 'Actions', String(Object.values(report.actions).reduce((a, b) => a + b, 0))],
  ];
  const legend = (Object.keys(COLORS) as Array<keyof typeof COLORS>)
    .map((k) => `<span class="key"><i style="background:${COLORS[k]}"></i>${k}</span>`)
    .join(' ');
  const actions = Object.entries(report.actions)
    .sort()
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${v}</td></tr>`)
    .join('');
  const groupTable = (title: string, groups: Readonly<Record<string, GroupFigures>>) =>
    `<table class="groups"><thead><tr><th>${title}</th><th>Jobs</th><th>Reuses</th><th>Idle hours</th><th>Idle cost</th></tr></thead><tbody>${Object.entries(
      groups,
    )
      .sort((a, b) => b[1].idleCostUsd - a[1].idleCostUsd || a[0].localeCompare(b[0]))
      .map(
        ([name, g]) =>
          `<tr><td>${escapeHtml(name)}</td><td class="num">${g.jobs}</td><td class="num">${g.reuses}</td><td class="num">${(g.idleBillableSeconds / 3600).toFixed(2)}</td><td class="num">${usd(g.idleCostUsd)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>poolwarden report ${escapeHtml(instant(report.fromMs))} .. ${escapeHtml(instant(report.toMs))}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d1d1f}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.totals{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0}
.totals li{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:130px}
.totals .value{display:block;font-size:20px;font-weight:600}
svg text{font:11px system-ui,sans-serif;fill:#333}
.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
table{border-collapse:collapse;margin-top:8px}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
.num{text-align:right}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:6px}
</style></head><body>
<h1>poolwarden report</h1>
<p class="window">${escapeHtml(instant(report.fromMs))} .. ${escapeHtml(instant(report.toMs))}</p>
<ul class="totals">${totals.map(([id, name, value]) => `<li id="total-${id}"><span class="name">${name}</span><span class="value">${escapeHtml(value)}</span></li>`).join('')}</ul>
<h2>Pools</h2>
<p class="legend">${legend}</p>
${timeline(report)}
<h2>Charts</h2>
${barChart('chart-reuse', 'Reuse rate by team', report.byTeam, (g) => (g.jobs > 0 ? g.reuses / g.jobs : 0), percent)}
${barChart('chart-idle-cost', 'Idle cost by team', report.byTeam, (g) => g.idleCostUsd, usd)}
<h2>By team</h2>${groupTable('Team', report.byTeam)}
<h2>By owner</h2>${groupTable('Owner', report.byOwner)}${Object.keys(report.byAccount).length > 1 ? `<h2>By account and region</h2>${groupTable('Account/region', report.byAccount)}` : ''}
<h2>Actions</h2>${actions ? `<table class="actions"><tbody>${actions}</tbody></table>` : '<p>None.</p>'}
${report.unpricedInstanceTypes.length > 0 ? `<p class="unpriced">Not priced: ${escapeHtml(report.unpricedInstanceTypes.join(', '))}</p>` : ''}
</body></html>
`;
};

// The page's only style and script, inlined: the report is one file that works offline.
// The script reads nothing from results: filters compare data-* attributes against select values.

export const reportCss = `
:root { --ok:#1a7f37; --fail:#cf222e; --error:#9a6700; --skip:#6e7781; --ink:#1f2328; --line:#d0d7de; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto; padding: 16px 24px 48px; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 4px; } h3 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; word-break: break-all; }
[hidden] { display: none !important; }
.verdict { font-size: 18px; font-weight: 600; padding: 10px 14px; border-radius: 6px; margin: 10px 0; border-left: 6px solid; }
.verdict.status-passed { border-color: var(--ok); background: #dafbe1; } .verdict.status-failed { border-color: var(--fail); background: #ffebe9; }
.verdict.status-error { border-color: var(--error); background: #fff8c5; } .verdict.status-skipped { border-color: var(--skip); background: var(--soft); }
.meta, .empty { color: #57606a; margin: 2px 0 8px; }
.counts span { display: inline-block; margin-right: 12px; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 8px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; position: sticky; top: 0; z-index: 2; }
.filters label { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; font-size: 13px; text-align: left; vertical-align: top; }
.grid td, .grid th { border: 1px solid var(--line); text-align: center; }
.grid th.hop { white-space: nowrap; text-align: left; }
.grid-entry { display: block; padding: 6px; margin: 2px 0; border-radius: 4px; color: #fff; text-decoration: none; }
.grid-entry .figure { display: block; font-size: 12px; }
.status-passed .badge, .grid-entry.status-passed { background: var(--ok); } .status-failed .badge, .grid-entry.status-failed { background: var(--fail); }
.status-error .badge, .grid-entry.status-error { background: var(--error); } .status-skipped .badge, .grid-entry.status-skipped { background: var(--skip); }
.badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; text-transform: uppercase; }
.grid-entry .badge { background: none !important; padding: 0; }
.cell-detail { scroll-margin-top: 64px; border: 1px solid var(--line); border-left: 6px solid var(--skip); border-radius: 6px; padding: 12px 16px; margin: 18px 0; }
.cell-detail.status-passed { border-left-color: var(--ok); } .cell-detail.status-failed { border-left-color: var(--fail); } .cell-detail.status-error { border-left-color: var(--error); }
.error-box { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
.cause { font-size: 1.05em; margin: 4px 0 8px; padding: 6px 12px; border-left: 4px solid #cf222e; background: #ffebe9; }
.interrupted { color: var(--muted, #57606a); font-style: italic; }
.folded { color: #57606a; font-size: 0.9em; margin: 2px 0; }
.automatic { margin: 4px 0; padding: 4px 10px; border-left: 4px solid #bf8700; background: #fff8c5; }
.breaches { color: var(--fail); font-weight: 600; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 12px; margin: 10px 0; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; }
.pass { color: var(--ok); font-weight: 600; } .fail { color: var(--fail); font-weight: 700; }
svg.timeline { width: 100%; height: auto; display: block; font-size: 11px; }
svg.timeline .phase-a rect { fill: #ddf4ff; } svg.timeline .phase-b rect { fill: #fbefff; }
svg.timeline .phase rect.phase-wash { opacity: .35; } svg.timeline .phase text { fill: #24292f; }
svg.timeline .axis line { stroke: #8c959f; } svg.timeline .axis text { fill: #57606a; }
svg.timeline path.ok { fill: #8fd9a4; } svg.timeline path.failed { fill: var(--fail); }
svg.timeline polyline.latency { fill: none; stroke: #0969da; stroke-width: 1.5; }
svg.timeline .starved rect { fill: #6e7781; fill-opacity: .18; } svg.timeline .outage rect { fill: var(--fail); fill-opacity: .15; stroke: var(--fail); stroke-width: 1; } svg.timeline .outage text { fill: var(--fail); font-weight: 700; }
svg.timeline .event line { stroke: #8250df; stroke-dasharray: 3 3; } svg.timeline .event path { fill: #8250df; }
.legend { color: #57606a; font-size: 12px; margin: 2px 0 0; }
.key { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 10px; vertical-align: middle; }
.key.ok { background: #8fd9a4; } .key.failed { background: var(--fail); } .key.latency { background: #0969da; height: 2px; } .key.outage { background: #ffcecb; border: 1px solid var(--fail); } .key.event { background: #8250df; width: 2px; } .key.starved { background: #d0d7de; }
`;

export const reportScript = `
(function () {
  var statusBoxes = document.querySelectorAll('input[data-filter="status"]');
  var selects = document.querySelectorAll('select[data-filter]');
  var targets = document.querySelectorAll('[data-status][data-platform][data-method]');
  var shown = document.getElementById('shown-count');
  function apply() {
    var statuses = {};
    statusBoxes.forEach(function (box) { if (box.checked) statuses[box.value] = true; });
    var wanted = {};
    selects.forEach(function (select) { wanted[select.getAttribute('data-filter')] = select.value; });
    var visible = 0;
    targets.forEach(function (el) {
      var show = statuses[el.getAttribute('data-status')] === true;
      Object.keys(wanted).forEach(function (key) {
        if (wanted[key] && el.getAttribute('data-' + key) !== wanted[key]) show = false;
      });
      el.hidden = !show;
      if (show && el.tagName === 'SECTION') visible += 1;
    });
    if (shown) shown.textContent = String(visible);
  }
  statusBoxes.forEach(function (box) { box.addEventListener('change', apply); });
  selects.forEach(function (select) { select.addEventListener('change', apply); });
  apply();
})();
`;

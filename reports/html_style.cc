#include "reports/html_style.h"

namespace tmfault::reports {

std::string_view html_css() {
  return R"css(
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --card: #fff;
  --pass: #1a7f37; --fail: #cf222e; --error: #9a6700; --finding: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h1 small, h2 small, h3 small { color: var(--muted); font-weight: normal; font-size: 14px; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 8px; }
h4 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code, pre, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
  margin: 4px 0; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
.run { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 10px 0; color: var(--muted); }
.run b { color: var(--fg); font-weight: 600; }
.badge { display: inline-block; border-radius: 12px; padding: 1px 10px; font-size: 12px; font-weight: 600;
  color: #fff; vertical-align: 1px; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.badge.error { background: var(--error); } .badge.finding { background: var(--finding); }
.banner { border-left: 4px solid var(--error); background: #fff8c5; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; background: var(--card); width: 100%; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table.doc { border: 1px solid var(--line); border-radius: 6px; }
table.doc tr.section th { background: var(--bg); font-size: 14px; }
table.doc tr.section th code { color: var(--muted); font-weight: normal; margin-left: 8px; }
td.kind { color: var(--muted); width: 80px; }
td.cell { font-weight: 600; white-space: nowrap; }
td.good { color: var(--pass); } td.bad { color: var(--fail); } td.error { color: var(--error); }
td.finding { color: var(--finding); }
td.note { color: var(--muted); font-size: 12.5px; }
table.doc q { display: block; color: var(--muted); font-size: 12.5px; font-style: italic; }
section.variant { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--pass);
  border-radius: 6px; padding: 14px 18px; margin: 14px 0; }
section.variant.fail { border-left-color: var(--fail); }
section.variant.error { border-left-color: var(--error); }
section.variant.finding { border-left-color: var(--finding); }
p.reason { margin: 4px 0 10px; overflow-wrap: anywhere; display: -webkit-box; -webkit-box-orient: vertical;
  -webkit-line-clamp: 3; line-clamp: 3; overflow: hidden; }
pre.log { white-space: pre; overflow-x: auto; max-height: 16em; }
p.none { color: var(--muted); font-style: italic; }
.legend { color: var(--muted); font-size: 12.5px; margin: 0 0 8px; }
.legend i { display: inline-block; width: 18px; height: 0; vertical-align: middle; margin: 0 4px 0 12px; }
.legend i.k-usage { border-top: 2px solid #0969da; } .legend i.k-limit { border-top: 2px dashed var(--fail); }
.legend i.k-ms { width: 0; height: 12px; border-left: 1px dashed #8c959f; }
.legend i.k-sym { width: 0; height: 12px; border-left: 2px solid #bc4c00; }
.legend i.k-bar { width: 10px; height: 12px; background: linear-gradient(#afb8c1 20%, #d4a72c 20% 50%, #4ac26b 50% 60%, #c297ff 60% 75%, #54aeff 75%); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
svg.timeline, svg.pools { width: 100%; height: auto; display: block; margin: 8px 0; }
svg .pool { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg polyline.p-heap { stroke: #0969da; } svg polyline.p-direct { stroke: #8250df; }
svg polyline.p-metaspace { stroke: #1a7f37; } svg polyline.p-managed { stroke: #9a6700; }
svg polyline.p-network { stroke: #cf222e; }
svg text.p-heap { fill: #0969da; } svg text.p-direct { fill: #8250df; } svg text.p-metaspace { fill: #1a7f37; }
svg text.p-managed { fill: #9a6700; } svg text.p-network { fill: #cf222e; } svg .pool-label { font-weight: 600; }
svg .grid { stroke: #eaeef2; } svg .axis, svg .xtick { stroke: #8c959f; }
svg text { font-size: 11px; fill: var(--muted); font-family: inherit;
  paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .usage { fill: none; stroke: #0969da; stroke-width: 2; stroke-linejoin: round; }
svg .usage-area { fill: #0969da; fill-opacity: .12; }
svg .limit { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .limit-label { fill: var(--fail); font-weight: 600; }
svg .milestone { stroke: #8c959f; stroke-width: 1; stroke-dasharray: 2 3; }
svg .symptom { stroke: #bc4c00; stroke-width: 2; } svg .symptom-dot { fill: #bc4c00; }
svg .symptom-label { fill: #bc4c00; font-weight: 600; }
svg .none { font-size: 13px; }
svg .bar-label { fill: var(--fg); }
.c-heap { fill: #54aeff; } .c-direct { fill: #c297ff; } .c-meta { fill: #4ac26b; }
.c-managed { fill: #d4a72c; } .c-overhead { fill: #afb8c1; }
svg rect { stroke: #fff; stroke-width: 1; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px 28px; align-items: start; }
table.mem { border: 1px solid var(--line); font-size: 13px; }
table.mem td, table.mem th { padding: 3px 8px; }
table.mem td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.mem tr.total td { font-weight: 600; border-top: 1px solid #8c959f; }
table.mem td.diff { color: var(--finding); font-weight: 600; }
details { margin: 6px 0; } summary { cursor: pointer; color: var(--muted); }
footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
)css";
}

}  // namespace tmfault::reports

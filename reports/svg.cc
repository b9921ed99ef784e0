#include "reports/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "reports/cells.h"
#include "reports/escape.h"

namespace tmfault::reports {
namespace {

constexpr double kWidth = 900, kHeight = 292;
constexpr double kLeft = 64, kRight = 660, kTop = 72, kBottom = 270;  // the plot area
constexpr double kBarX = 704, kBarW = 40;                               // the configured sizes
constexpr std::uint64_t kMiB = 1 << 20;

struct Scale {
  double t_max_ms = 1;
  double y_max_bytes = 1;
  double x(double ms) const { return kLeft + (kRight - kLeft) * ms / t_max_ms; }
  double x(Millis at) const { return x(static_cast<double>(at.count())); }
  double y(double bytes) const { return kBottom - (kBottom - kTop) * bytes / y_max_bytes; }
  double y(std::uint64_t bytes) const { return y(static_cast<double>(bytes)); }
};

/// The smallest step from `steps` that cuts `range` into at most `max_ticks` pieces.
double nice_step(double range, std::initializer_list<double> steps, int max_ticks) {
  for (double s : steps)
    if (range / s <= max_ticks) return s;
  return range / max_ticks;
}

double max_time_ms(const Observation& o) {
  double t = static_cast<double>(o.timings.total.count());
  if (!o.samples.empty()) t = std::max(t, static_cast<double>(o.samples.back().at.count()));
  for (const SymptomHit& h : o.hits) t = std::max(t, static_cast<double>(h.at.count()));
  return std::max(t, 1000.0);
}

std::uint64_t max_bytes(const Observation& o) {
  std::uint64_t m = std::max(o.peak_bytes, o.cgroup_limit_bytes.value_or(0));
  for (const MemorySample& s : o.samples) m = std::max(m, s.usage_bytes);
  if (o.memory) m = std::max(m, o.memory->total_process());
  return std::max<std::uint64_t>(m, 64 * kMiB);
}

void y_axis(std::string& out, Scale& sc, std::uint64_t max) {
  double step = nice_step(static_cast<double>(max) * 1.04 / kMiB, {32, 64, 128, 256, 512, 1024, 2048, 4096, 8192}, 6) *
                kMiB;
  sc.y_max_bytes = std::ceil(static_cast<double>(max) * 1.04 / step) * step;
  for (double b = 0; b <= sc.y_max_bytes + 1; b += step)
    out += fmt::format("<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                       "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                       kLeft, sc.y(b), kRight, sc.y(b), kLeft - 6, sc.y(b) + 4, mib(static_cast<std::uint64_t>(b)));
}

void x_axis(std::string& out, const Scale& sc) {
  double step = nice_step(sc.t_max_ms / 1000, {1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600}, 10) * 1000;
  for (double t = 0; t <= sc.t_max_ms + 1; t += step)
    out += fmt::format("<line class=\"xtick\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
                       "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}s</text>\n",
                       sc.x(t), kBottom, kBottom + 4, kBottom + 17, t / 1000);
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", kLeft, kBottom, kRight);
}

void usage(std::string& out, const Scale& sc, const std::vector<MemorySample>& samples) {
  if (samples.empty()) {
    out += fmt::format("<text class=\"none\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">no memory samples "
                       "(the TaskManager did not run)</text>\n",
                       (kLeft + kRight) / 2, (kTop + kBottom) / 2);
    return;
  }
  std::string line;
  for (const MemorySample& s : samples) line += fmt::format("{:.1f},{:.1f} ", sc.x(s.at), sc.y(s.usage_bytes));
  out += fmt::format("<path class=\"usage-area\" d=\"M{:.1f},{:.1f} L{}L{:.1f},{:.1f} Z\"/>\n",
                     sc.x(samples.front().at), kBottom, line, sc.x(samples.back().at), kBottom);
  out += fmt::format("<polyline class=\"usage\" points=\"{}\"/>\n", line);
}

void limit_line(std::string& out, const Scale& sc, std::optional<std::uint64_t> limit) {
  if (!limit) return;
  double y = sc.y(*limit);
  out += fmt::format("<line class=\"limit\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
                     "<text class=\"limit-label\" x=\"{:.1f}\" y=\"{:.1f}\">cgroup limit {}</text>\n",
                     kLeft, y, kBarX + kBarW + 8, y, kLeft + 6, y - 5, mib(*limit));
}

/// A thin vertical line across the plot with its label in one of three rows above it.
void vline(std::string& out, const Scale& sc, Millis at, std::string_view cls, std::string_view label, int row) {
  double x = sc.x(at);
  double label_y = 14 + 14 * row;
  out += fmt::format("<line class=\"{0}\" x1=\"{1:.1f}\" y1=\"{2:.1f}\" x2=\"{1:.1f}\" y2=\"{3:.1f}\"/>"
                     "<text class=\"{0}-label\" x=\"{1:.1f}\" y=\"{4:.1f}\" text-anchor=\"{5}\">{6}</text>\n",
                     cls, x, label_y + 3, kBottom, label_y, x > kRight - 80 ? "end" : "start", xml_text(label));
}

void milestones(std::string& out, const Scale& sc, const Timings& t) {
  int row = 0;
  auto mark = [&](const std::optional<Millis>& at, std::string_view label) {
    if (at) vline(out, sc, *at, "milestone", label, row++ % 3);
  };
  mark(t.jm_ready, "JM up");
  mark(t.tm_registered, "TM registered");
  mark(t.job_running, "task running");
  mark(t.job_ended, "job ended");
}

void symptom_marker(std::string& out, const Scale& sc, const Observation& o) {
  const SymptomHit* hit = first_hit(o);
  if (!hit && o.tm_exit && o.timings.subject_exited) {  // e.g. the kernel's OOM kill: no log line
    std::string label = fmt::format("TM killed at {}", seconds(*o.timings.subject_exited));
    vline(out, sc, *o.timings.subject_exited, "symptom", label, 3);
    out += fmt::format("<path class=\"symptom-dot\" d=\"M{0:.1f},{1:.1f} l-5,-9 h10 z\"/>\n",
                       sc.x(*o.timings.subject_exited), kTop);
    return;
  }
  if (!hit) return;
  std::string label = fmt::format("{} at {}", symptom_name(hit->symptom), seconds(hit->at));
  vline(out, sc, hit->at, "symptom", label, 3);
  out += fmt::format("<path class=\"symptom-dot\" d=\"M{0:.1f},{1:.1f} l-5,-9 h10 z\"/>\n", sc.x(hit->at), kTop);
}

/// Flink's configured sizes, stacked bottom-up on the plot's byte scale.
void component_bar(std::string& out, const Scale& sc, const std::optional<MemoryBreakdown>& m) {
  if (!m) return;
  struct Part {
    const char* cls;
    const char* name;
    std::uint64_t bytes;
  };
  Part parts[] = {{"c-heap", "heap", m->jvm_heap()},
                  {"c-direct", "direct", m->jvm_direct()},
                  {"c-meta", "metaspace", m->jvm_metaspace},
                  {"c-managed", "managed", m->managed},
                  {"c-overhead", "overhead", m->jvm_overhead}};
  std::uint64_t base = 0;
  for (const Part& p : parts) {
    double y_top = sc.y(base + p.bytes), y_bottom = sc.y(base);
    out += fmt::format(
        "<rect class=\"{}\" x=\"{}\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\"><title>{} {}</title></rect>\n", p.cls,
        kBarX, y_top, kBarW, y_bottom - y_top, p.name, mib(p.bytes));
    if (y_bottom - y_top >= 11)
      out += fmt::format("<text class=\"bar-label\" x=\"{}\" y=\"{:.1f}\">{} {}</text>\n", kBarX + kBarW + 6,
                         (y_top + y_bottom) / 2 + 4, p.name, mib(p.bytes));
    base += p.bytes;
  }
  out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">configured</text>\n",
                     kBarX + kBarW / 2, kBottom + 17);
}

constexpr double kPoolHeight = 232, kPoolTop = 24, kPoolBottom = 200;

/// An <svg> element's opening, `height` tall, titled for screen readers and tooltips.
std::string svg_open(std::string_view cls, double height, const std::string& title) {
  return fmt::format("<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
                     "aria-label=\"{}\">\n<title>{}</title>\n",
                     cls, kWidth, height, xml_attr(title), xml_text(title));
}

/// The y of a share of a pool's size (0..1.1) in the pools chart.
double share_y(double share) { return kPoolBottom - (kPoolBottom - kPoolTop) * std::min(share, 1.1) / 1.1; }

}  // namespace

std::string pools_svg(const Observation& o, const std::string& title) {
  std::vector<PoolSeries> pools = pool_series(o);
  if (pools.empty()) return "";
  Scale sc;
  sc.t_max_ms = max_time_ms(o);
  std::string out = svg_open("pools", kPoolHeight, title);
  for (double share : {0.0, 0.25, 0.5, 0.75, 1.0})
    out += fmt::format("<line class=\"{}\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>"
                       "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:.0f}%</text>\n",
                       share == 1.0 ? "limit" : "grid", kLeft, share_y(share), kRight, share_y(share), kLeft - 6,
                       share_y(share) + 4, share * 100);
  double step = nice_step(sc.t_max_ms / 1000, {1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600}, 10) * 1000;
  for (double t = 0; t <= sc.t_max_ms + 1; t += step)
    out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}s</text>\n", sc.x(t),
                       kPoolBottom + 17, t / 1000);
  double label_y = kPoolTop + 4;
  for (const PoolSeries& p : pools) {
    std::string points;
    for (const auto& [at, used] : p.used)
      points += fmt::format("{:.1f},{:.1f} ", sc.x(static_cast<double>(at.count())),
                            share_y(p.max > 0 ? used / p.max : 0));
    std::string figures = p.max > 0 ? fmt::format("{} {:.0f}/{:.0f} {}", p.name, p.used.back().second, p.max, p.unit)
                                    : fmt::format("{} {:.0f} {} (size unknown)", p.name, p.used.back().second, p.unit);
    if (p.max > 0) out += fmt::format("<polyline class=\"pool p-{}\" points=\"{}\"/>\n", p.name, points);
    out += fmt::format("<text class=\"pool-label p-{}\" x=\"{}\" y=\"{:.1f}\">{}</text>\n", p.name, kRight + 12,
                       label_y, xml_text(figures));
    label_y += 16;
  }
  if (const SymptomHit* hit = first_hit(o))
    out += fmt::format("<line class=\"symptom\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>\n",
                       sc.x(static_cast<double>(hit->at.count())), kPoolTop, kPoolBottom);
  return out + "</svg>\n";
}

std::string memory_timeline_svg(const Observation& o, const std::string& title) {
  if (o.samples.empty() && !o.memory) return "";
  Scale sc;
  sc.t_max_ms = max_time_ms(o);
  std::string out = svg_open("timeline", kHeight, title);
  y_axis(out, sc, max_bytes(o));
  x_axis(out, sc);
  usage(out, sc, o.samples);
  milestones(out, sc, o.timings);
  symptom_marker(out, sc, o);
  component_bar(out, sc, o.memory);
  limit_line(out, sc, o.cgroup_limit_bytes);
  return out + "</svg>\n";
}

}  // namespace tmfault::reports

#pragma once
// The memory timeline of one run as inline SVG (for the HTML page). Formatting only.
#include <string>

#include "model/model.h"

namespace tmfault::reports {

/// An <svg> element: the TM cgroup's memory usage over time (observation.samples), the cgroup
/// limit as a horizontal line, Flink's configured components as a stacked bar on the same
/// scale beside the plot, the first symptom as a marker, and the milestones (JM up, TM
/// registered, task running, job ended) as thin vertical lines. "" when there is nothing to
/// draw (no samples and no breakdown).
std::string memory_timeline_svg(const Observation& o, const std::string& title);

/// An <svg> element: each memory pool's use over time (observation.usage, Flink's metrics) as a
/// share of its size (heap max, direct limit, metaspace max, managed total, network buffers),
/// each line labelled with its last figures; the first symptom as a marker. "" without samples.
std::string pools_svg(const Observation& o, const std::string& title);

}  // namespace tmfault::reports

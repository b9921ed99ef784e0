#include "harness/app/live_progress.h"

#include <fmt/format.h>

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "cgroup/os.h"
#include "reports/progress.h"
#include "reports/reports.h"

namespace tmfault {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRedraw = std::chrono::milliseconds(500);
constexpr std::size_t kDefaultWidth = 100;

std::string id_of(const VariantPlan& p) { return p.scenario_id + "/" + p.variant; }

/// A live status line needs a terminal that understands carriage return and erase-line.
bool live_terminal() {
  const char* term = std::getenv("TERM");
  return os::stdout_is_terminal() && !(term && std::string_view(term) == "dumb");
}

/// One line per variant as it starts and ends: for CI logs and pipes.
class PlainProgress final : public Progress {
 public:
  explicit PlainProgress(bool color) : color_(color) {}
  void attach(SessionOptions& so) override {
    so.on_start = [](const VariantPlan& p) { std::cout << fmt::format("  ..   {}\n", id_of(p)) << std::flush; };
    so.on_done = [this](const RunRecord& r) { std::cout << reports::variant_line(r, color_) << "\n" << std::flush; };
  }
  void finish() override {}

 private:
  bool color_;
};

/// Which variants run now, redrawn in place twice a second.
class LiveProgress final : public Progress {
 public:
  LiveProgress(std::size_t total, bool color) : total_(total), color_(color) {
    ticker_ = std::thread([this] { tick(); });
  }
  ~LiveProgress() override { finish(); }

  void attach(SessionOptions& so) override {
    so.on_start = [this](const VariantPlan& p) { started(p); };
    so.on_sample = [this](const VariantPlan& p, const MemorySample& s, std::optional<std::uint64_t> limit) {
      sampled(p, s, limit);
    };
    so.on_done = [this](const RunRecord& r) { done(r); };
  }

  void finish() override {
    {
      std::lock_guard l(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    ticker_.join();
    std::cout << "\r\033[K" << std::flush;
  }

 private:
  struct Active {
    std::string id;
    Clock::time_point started;
    std::optional<std::uint64_t> usage_bytes, limit_bytes;
  };
  static Millis since(Clock::time_point t) { return std::chrono::duration_cast<Millis>(Clock::now() - t); }

  void started(const VariantPlan& p) {
    std::lock_guard l(mu_);
    active_.push_back({id_of(p), Clock::now(), std::nullopt, std::nullopt});
    redraw();
  }
  void sampled(const VariantPlan& p, const MemorySample& s, std::optional<std::uint64_t> limit) {
    std::lock_guard l(mu_);  // no redraw: the ticker shows it
    for (auto& a : active_)
      if (a.id == id_of(p)) a.usage_bytes = s.usage_bytes, a.limit_bytes = limit;
  }
  void done(const RunRecord& r) {
    std::lock_guard l(mu_);
    std::erase_if(active_, [&](const Active& a) { return a.id == id_of(r.plan); });
    ++done_;
    std::cout << "\r\033[K" << reports::variant_line(r, color_) << "\n";
    redraw();
  }
  void redraw() {
    std::vector<reports::ActiveRun> now;
    for (const auto& a : active_) now.push_back({a.id, since(a.started), a.usage_bytes, a.limit_bytes});
    std::size_t width = os::terminal_columns().value_or(kDefaultWidth) - 1;
    std::cout << "\r\033[K" << reports::progress_line(now, done_, total_, since(start_), width) << std::flush;
  }
  void tick() {
    std::unique_lock l(mu_);
    while (!wake_.wait_for(l, kRedraw, [this] { return stopping_; })) redraw();
  }

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::size_t total_, done_ = 0;
  bool color_;
  Clock::time_point start_ = Clock::now();
  std::vector<Active> active_;
  std::thread ticker_;
};

}  // namespace

std::unique_ptr<Progress> make_progress(std::size_t total, bool color) {
  if (live_terminal()) return std::make_unique<LiveProgress>(total, color);
  return std::make_unique<PlainProgress>(color);
}

}  // namespace tmfault

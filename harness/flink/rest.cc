#include "harness/flink/rest.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace tmfault {
namespace {

std::optional<nlohmann::json> get_json(const std::string& host, int port, const std::string& path) {
  httplib::Client client(host, port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(3, 0);
  auto res = client.Get(path.c_str());
  if (!res || res->status != 200) return std::nullopt;
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace

JobManagerRest::JobManagerRest(std::string host, int port) : host_(std::move(host)), port_(port) {}

std::optional<JobStatus> JobManagerRest::job() const {
  auto j = get_json(host_, port_, "/jobs/overview");
  if (!j || !j->contains("jobs") || (*j)["jobs"].empty()) return std::nullopt;
  const auto& first = (*j)["jobs"][0];
  return JobStatus{first.value("jid", ""), first.value("state", "")};
}

std::string JobManagerRest::root_exception(const std::string& job_id) const {
  auto j = get_json(host_, port_, "/jobs/" + job_id + "/exceptions");
  if (!j) return {};
  if (auto h = j->find("exceptionHistory"); h != j->end() && h->contains("entries") &&
                                            !(*h)["entries"].empty()) {
    const auto& e = (*h)["entries"][0];
    if (e.contains("stacktrace")) return e["stacktrace"].get<std::string>();
  }
  if (j->contains("root-exception") && (*j)["root-exception"].is_string())
    return (*j)["root-exception"].get<std::string>();
  return {};
}

}  // namespace tmfault

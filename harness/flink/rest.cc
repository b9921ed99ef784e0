#include "harness/flink/rest.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace tmfault {
namespace {

httplib::Client client(const std::string& host, int port, int read_timeout_s = 3) {
  httplib::Client c(host, port);
  c.set_connection_timeout(1, 0);
  c.set_read_timeout(read_timeout_s, 0);
  return c;
}

std::optional<nlohmann::json> parse(const httplib::Result& res) {
  if (!res || res->status != 200) return std::nullopt;
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<nlohmann::json> get_json(const std::string& host, int port, const std::string& path) {
  return parse(client(host, port).Get(path));
}

/// Flink's error body {"errors": [...]}, joined; or the HTTP status.
std::string error_of(const httplib::Result& res) {
  if (!res) return "the JobManager did not answer (" + httplib::to_string(res.error()) + ")";
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  std::string out;
  if (!j.is_discarded() && j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.is_string()) out += (out.empty() ? "" : " / ") + e.get<std::string>();
  return out.empty() ? "HTTP " + std::to_string(res->status) : out;
}

}  // namespace

JobManagerRest::JobManagerRest(std::string host, int port) : host_(std::move(host)), port_(port) {}

std::optional<JobStatus> JobManagerRest::job(const std::string& job_id) const {
  auto j = get_json(host_, port_, "/jobs/overview");
  if (!j || !j->contains("jobs")) return std::nullopt;
  for (const auto& job : (*j)["jobs"])
    if (job_id.empty() || job.value("jid", "") == job_id)
      return JobStatus{job.value("jid", ""), job.value("state", "")};
  return std::nullopt;
}

std::string JobManagerRest::root_exception(const std::string& job_id) const {
  auto j = get_json(host_, port_, "/jobs/" + job_id + "/exceptions");
  if (!j) return {};
  if (auto h = j->find("exceptionHistory"); h != j->end() && h->contains("entries") && !(*h)["entries"].empty()) {
    const auto& e = (*h)["entries"][0];
    if (e.contains("stacktrace")) return e["stacktrace"].get<std::string>();
  }
  if (j->contains("root-exception") && (*j)["root-exception"].is_string())
    return (*j)["root-exception"].get<std::string>();
  return {};
}

std::optional<std::vector<std::string>> JobManagerRest::taskmanagers() const {
  auto j = get_json(host_, port_, "/taskmanagers");
  if (!j || !j->contains("taskmanagers")) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& tm : (*j)["taskmanagers"]) ids.push_back(tm.value("id", ""));
  return ids;
}

std::string JobManagerRest::upload_jar(const std::filesystem::path& jar, std::string& error) const {
  std::ifstream in(jar, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  httplib::MultipartFormDataItems items{
      {"jarfile", bytes.str(), jar.filename().string(), "application/x-java-archive"}};
  auto res = client(host_, port_, 30).Post("/jars/upload", items);
  auto j = parse(res);
  std::string name = j ? j->value("filename", "") : "";
  if (name.empty()) {
    error = error_of(res);
    return {};
  }
  return name.substr(name.find_last_of('/') + 1);  // the id is the stored file's name
}

Submission JobManagerRest::run_jar(const std::string& jar_id, const std::string& entry_class,
                                   const std::vector<std::string>& args) const {
  nlohmann::json body{{"entryClass", entry_class}, {"programArgsList", args}};
  // main() runs in the JobManager before the answer: give it time (generating classes, ...)
  auto res = client(host_, port_, 120).Post("/jars/" + jar_id + "/run", body.dump(), "application/json");
  auto j = parse(res);
  if (j && j->contains("jobid")) return {(*j)["jobid"].get<std::string>(), ""};
  return {"", error_of(res)};
}

std::map<std::string, std::string> JobManagerRest::metrics(const std::string& component,
                                                           const std::vector<std::string>& names) const {
  std::string path = component + "/metrics";
  for (std::size_t i = 0; i < names.size(); ++i) path += (i ? "," : "?get=") + names[i];
  std::map<std::string, std::string> out;
  auto j = parse(client(host_, port_, 1).Get(path));
  if (!j || !j->is_array()) return out;
  for (const auto& m : *j)
    if (m.contains("id")) out[m["id"].get<std::string>()] = m.contains("value") ? m["value"].get<std::string>() : "";
  return out;
}

bool JobManagerRest::cancel(const std::string& job_id) const {
  auto res = client(host_, port_).Patch("/jobs/" + job_id + "?mode=cancel");
  return res && res->status / 100 == 2;
}

}  // namespace tmfault

// Manifests of prepared data: package versions, digests, counts; atomic task folders.
#include "w2s/data/manifest.h"

#include <fmt/format.h>

#include <unistd.h>
#include <algorithm>
#include <set>
#include <system_error>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/sha256.h"
#include "w2s/core/text.h"
#include "w2s/core/version.h"
#include "w2s/data/sources.h"
#include "w2s/io/atomic_dir.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"

namespace w2s::data {
namespace fs = std::filesystem;

namespace {

// `p` relative to `root` by path arithmetic only (no file system calls: this runs per file).
std::string relative_string(const fs::path& p, const fs::path& root) {
  fs::path rel = p.lexically_normal().lexically_relative(root.lexically_normal());
  if (rel.empty() || *rel.begin() == "..") rel = p;
  return rel.generic_string();
}

FileDigest digest_from_json(const nlohmann::json& j) {
  FileDigest d;
  d.path = j.at("path").get<std::string>();
  d.bytes = j.at("bytes").get<uint64_t>();
  d.sha256 = j.at("sha256").get<std::string>();
  d.is_tree = j.contains("files");
  d.n_files = j.value("files", size_t{1});
  return d;
}

nlohmann::json counts_json(const SplitCounts& c) {
  return {{"n", c.n},
          {"n_label1", c.n_label1},
          {"frac_label1", c.frac_label1()},
          {"n_groups", c.n_groups},
          {"mean_chars", c.mean_chars}};
}

SplitCounts counts_from_json(const nlohmann::json& j) {
  SplitCounts c;
  c.n = j.at("n").get<size_t>();
  c.n_label1 = j.at("n_label1").get<size_t>();
  c.n_groups = j.value("n_groups", size_t{0});
  c.mean_chars = j.value("mean_chars", 0.0);
  return c;
}

}  // namespace

nlohmann::json digest_to_json(const FileDigest& d) {
  nlohmann::json j = {{"path", d.path}, {"bytes", d.bytes}, {"sha256", d.sha256}};
  if (d.is_tree) j["files"] = d.n_files;
  return j;
}

std::vector<PackageVersion> read_packages(const fs::path& raw_dir) {
  const fs::path path = raw_dir / "packages.tsv";
  check(fs::exists(path), "{}: not found: run scripts/fetch_data.sh (or scripts/setup.sh)", path.string());
  const std::string text = read_file(path);
  std::vector<PackageVersion> out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = strip(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line_no == 1) continue;  // header
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    check(t2 != std::string::npos, "{}:{}: expected 'registry<TAB>package<TAB>version'", path.string(), line_no);
    out.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return out;
}

std::vector<PackageVersion> select_packages(const std::vector<PackageVersion>& all,
                                            const std::vector<std::string>& names) {
  std::vector<PackageVersion> out;
  for (const std::string& name : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const PackageVersion& p) { return p.name == name; });
    out.push_back(it != all.end() ? *it : PackageVersion{"?", name, "unknown"});
  }
  return out;
}

FileDigest digest_file(const fs::path& file, const fs::path& root) {
  check(fs::is_regular_file(file), "{}: not found", file.string());
  FileDigest d;
  d.path = relative_string(file, root);
  d.bytes = fs::file_size(file);
  d.sha256 = sha256_file(file);
  return d;
}

FileDigest digest_tree(const fs::path& dir, const fs::path& root, const std::string& suffix) {
  check(fs::is_directory(dir), "{}: folder not found", dir.string());
  std::vector<std::pair<std::string, fs::path>> files;  // (path relative to dir, path)
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (!suffix.empty() &&
        (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)) {
      continue;
    }
    files.emplace_back(relative_string(entry.path(), dir), entry.path());
  }
  std::sort(files.begin(), files.end());
  FileDigest d;
  d.path = relative_string(dir, root);
  d.n_files = files.size();
  d.is_tree = true;
  Sha256 tree;
  for (const auto& [rel, f] : files) {
    d.bytes += fs::file_size(f);
    tree.update(fmt::format("{}\t{}\n", rel, sha256_file(f)));
  }
  d.sha256 = tree.hex();
  return d;
}

SplitCounts count_split(const std::vector<Example>& examples) {
  SplitCounts c;
  std::set<std::string> groups;
  double chars = 0;
  for (const Example& e : examples) {
    ++c.n;
    c.n_label1 += e.label == 1 ? 1 : 0;
    groups.insert(group_of(e));
    chars += double(utf8_length(e.text));
  }
  c.n_groups = groups.size();
  c.mean_chars = c.n == 0 ? 0.0 : chars / double(c.n);
  return c;
}

nlohmann::json TaskManifest::to_json() const {
  nlohmann::json j;
  j["task"] = task;
  j["description"] = description;
  if (kind != TaskKind::classification) j["kind"] = to_string(kind);
  j["format_version"] = format_version;
  j["seed"] = seed;
  j["w2s_commit"] = w2s_commit;
  j["packages"] = nlohmann::json::array();
  for (const PackageVersion& p : packages) {
    j["packages"].push_back({{"registry", p.registry}, {"name", p.name}, {"version", p.version}});
  }
  j["inputs"] = nlohmann::json::array();
  for (const FileDigest& d : inputs) j["inputs"].push_back(digest_to_json(d));
  j["outputs"] = nlohmann::json::array();
  for (const FileDigest& d : outputs) j["outputs"].push_back(digest_to_json(d));
  j["counts"] = {{"train", counts_json(train)}, {"test", counts_json(test)}};
  j["notes"] = notes;
  return j;
}

TaskManifest TaskManifest::from_json(const nlohmann::json& j, const std::string& where) {
  try {
    TaskManifest m;
    m.task = j.at("task").get<std::string>();
    m.description = j.value("description", "");
    m.kind = parse_task_kind(j.value("kind", "classification"), where);
    m.format_version = j.at("format_version").get<int>();
    m.seed = j.value("seed", uint64_t{0});
    m.w2s_commit = j.value("w2s_commit", "");
    for (const auto& p : j.at("packages")) {
      m.packages.push_back(
          {p.at("registry").get<std::string>(), p.at("name").get<std::string>(), p.at("version").get<std::string>()});
    }
    for (const auto& d : j.at("inputs")) m.inputs.push_back(digest_from_json(d));
    for (const auto& d : j.at("outputs")) m.outputs.push_back(digest_from_json(d));
    m.train = counts_from_json(j.at("counts").at("train"));
    m.test = counts_from_json(j.at("counts").at("test"));
    m.notes = j.contains("notes") ? j.at("notes") : nlohmann::json::object();
    return m;
  } catch (const nlohmann::json::exception& e) {
    fail("{}: malformed manifest: {}", where, e.what());
  }
}

TaskManifest read_task_manifest(const fs::path& task_dir) {
  const fs::path path = task_dir / "manifest.json";
  check(fs::exists(path), "{}: not found", path.string());
  nlohmann::json j;
  try {
    j = io::parse_json(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON: {}", path.string(), e.what());
  }
  return TaskManifest::from_json(j, path.string());
}

std::string example_jsonl_line(const Example& e) {
  nlohmann::json row{{"id", e.id}, {"text", e.text}, {"label", e.label}, {"group", e.group}};
  if (!e.completions.empty()) row["completions"] = e.completions;
  return io::to_jsonl_line(row);
}

TaskManifest write_prepared_task(const fs::path& task_dir, const Task& task, TaskManifest manifest) {
  const fs::path parent = task_dir.parent_path();
  fs::create_directories(parent);
  const std::string name = task_dir.filename().string();
  const fs::path tmp = parent / fmt::format(".{}.tmp.{}", name, ::getpid());
  fs::remove_all(tmp);
  fs::create_directories(tmp);

  manifest.task = task.name;
  manifest.description = task.description;
  manifest.kind = task.kind;
  manifest.format_version = kPreparedFormatVersion;
  manifest.w2s_commit = w2s::git_commit();
  manifest.outputs.clear();
  const std::pair<const char*, const std::vector<Example>*> files[] = {{"train.jsonl", &task.train},
                                                                       {"test.jsonl", &task.test}};
  for (const auto& [file, examples] : files) {
    std::string bytes;
    for (const Example& e : *examples) bytes += example_jsonl_line(e);
    write_file_atomic(tmp / file, bytes);
    FileDigest d;
    d.path = relative_string(task_dir / file, parent.parent_path());
    d.bytes = bytes.size();
    d.sha256 = sha256_hex(bytes);
    manifest.outputs.push_back(d);
  }
  manifest.train = count_split(task.train);
  manifest.test = count_split(task.test);
  write_file_atomic(tmp / "manifest.json", manifest.to_json().dump(2) + "\n");

  io::replace_dir(tmp, task_dir);
  return manifest;
}

Task read_prepared_task(const fs::path& task_dir, bool verify_digests) {
  const TaskManifest m = read_task_manifest(task_dir);
  Task task;
  task.name = m.task;
  task.description = m.description;
  task.kind = m.kind;
  SourceOptions opts;
  opts.text_field = "text";
  opts.label_field = "label";
  opts.group_field = "group";
  opts.id_field = "id";
  for (const char* file : {"train.jsonl", "test.jsonl"}) {
    const fs::path path = task_dir / file;
    check(fs::exists(path),
          "{}: not found (the task folder is incomplete: rerun w2s data prepare "
          "--force)",
          path.string());
    if (verify_digests) {
      const std::string want_suffix = std::string("/") + file;
      for (const FileDigest& d : m.outputs) {
        if (d.path.size() >= want_suffix.size() &&
            d.path.compare(d.path.size() - want_suffix.size(), want_suffix.size(), want_suffix) == 0) {
          check(sha256_file(path) == d.sha256,
                "{}: SHA-256 differs from {} (modified by hand? rerun w2s data prepare --force)", path.string(),
                (task_dir / "manifest.json").string());
        }
      }
    }
    io::JsonlReadOptions ro;
    ro.allow_empty = true;
    std::vector<Example> examples;
    io::for_each_jsonl(
        path,
        [&](const nlohmann::json& row, size_t line) {
          const std::string where = fmt::format("{}:{}", path.string(), line);
          check(row.is_object() && row.contains("text") && row["text"].is_string() && row.contains("id") &&
                    row["id"].is_string(),
                "{}: expected an object with string 'id' and 'text'", where);
          Example e;
          e.id = row["id"].get<std::string>();
          e.text = row["text"].get<std::string>();
          check(row.contains("label"), "{}: missing field 'label'", where);
          if (m.kind == TaskKind::multiple_choice) {
            check(row["label"].is_number_integer(), "{}: 'label' must be the index of the right choice", where);
            e.label = row["label"].get<int>();
          } else {
            e.label = parse_label(row["label"], "label", where);
          }
          if (row.contains("group") && row["group"].is_string()) e.group = row["group"].get<std::string>();
          if (has_completions(m.kind)) {
            const size_t need = m.kind == TaskKind::comparison ? 2 : 0;
            check(row.contains("completions") && row["completions"].is_array() &&
                      (need == 0 ? row["completions"].size() >= 2 : row["completions"].size() == need),
                  "{}: a {} needs 'completions', an array of {} strings", where, to_string(m.kind),
                  need == 0 ? "at least two" : "two");
            for (const auto& c : row["completions"]) {
              check(c.is_string(), "{}: 'completions' must hold strings", where);
              e.completions.push_back(c.get<std::string>());
            }
            check(e.label >= 0 && static_cast<size_t>(e.label) < e.completions.size(),
                  "{}: 'label' {} is not the index of one of its {} completions", where, e.label, e.completions.size());
          }
          examples.push_back(std::move(e));
        },
        ro);
    (std::string(file) == "train.jsonl" ? task.train : task.test) = std::move(examples);
  }
  return task;
}

}  // namespace w2s::data

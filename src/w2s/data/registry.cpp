// The task registry: spec parsing, built-in task loading, user files and HF formats.
#include "w2s/data/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "w2s/core/error.h"
#include "w2s/core/text.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/formatters.h"
#include "w2s/data/sources.h"

namespace w2s::data {
namespace fs = std::filesystem;
namespace {

const std::vector<std::string>& file_kinds() {
  static const std::vector<std::string> kKinds = {"jsonl", "csv", "tsv"};
  return kKinds;
}

const std::vector<std::string>& file_options() {
  static const std::vector<std::string> kOptions = {"text", "label",       "group",  "id",       "test",
                                                    "name", "prompt",      "chosen", "rejected", "a",
                                                    "b",    "completions", "choices"};
  return kOptions;
}

const std::vector<std::string>& format_options() {
  static const std::vector<std::string> kOptions = {"test", "name"};
  return kOptions;
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool is_hf_format(const std::string& name) {
  const auto names = hf_format_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string builtin_names() {
  std::vector<std::string> names;
  for (const BuiltinTaskInfo& t : builtin_tasks()) names.push_back(t.name);
  return join(names);
}

// The repository root above `start` (a folder holding scripts/fetch_data.sh), if any.
std::optional<fs::path> find_repo_root(fs::path start) {
  std::error_code ec;
  start = fs::weakly_canonical(start, ec);
  if (ec) return std::nullopt;
  for (fs::path p = start; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "scripts" / "fetch_data.sh", ec)) return p;
    if (p == p.parent_path()) break;
  }
  return std::nullopt;
}

// "a=b&c=d" into pairs; keys checked against `allowed`.
std::vector<std::pair<std::string, std::string>> parse_options(std::string_view text,
                                                               const std::vector<std::string>& allowed,
                                                               const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string_view item = text.substr(pos, amp - pos);
    const size_t eq = item.find('=');
    check(eq != std::string_view::npos && eq > 0, "task '{}': option '{}' is not KEY=VALUE", spec, item);
    std::string key(item.substr(0, eq));
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string near = closest_name(key, allowed);
      fail("task '{}': unknown option '{}'{}; accepted: {}", spec, key,
           near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), join(allowed));
    }
    out.emplace_back(std::move(key), std::string(item.substr(eq + 1)));
    pos = amp + 1;
  }
  return out;
}

[[noreturn]] void unknown_task(const std::string& name) {
  const std::string near = closest_name(name, known_task_names());
  fail(
      "unknown task '{}'{}; built-in tasks: {}; user tasks: jsonl:PATH, csv:PATH, tsv:PATH, "
      "or an HF export as FORMAT:PATH with FORMAT one of {}",
      name, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), builtin_names(), join(hf_format_names()));
}

Task load_file_task(const TaskSpec& spec) {
  SourceOptions o;
  if (!spec.option("text").empty()) o.text_field = spec.option("text");
  if (!spec.option("label").empty()) o.label_field = spec.option("label");
  o.group_field = spec.option("group");
  o.id_field = spec.option("id");
  o.prompt_field = spec.option("prompt");
  o.chosen_field = spec.option("chosen");
  o.rejected_field = spec.option("rejected");
  o.a_field = spec.option("a");
  o.b_field = spec.option("b");
  o.completions_field = spec.option("completions");
  o.choices_field = spec.option("choices");
  if (spec.kind == "tsv") o.delimiter = '\t';
  auto load = [&](const fs::path& path, const std::string& prefix) {
    check(fs::exists(path), "{}: not found (task '{}')", path.string(), spec.name);
    SourceOptions po = o;
    po.id_prefix = prefix;
    return spec.kind == "jsonl" ? load_jsonl_examples(path, po) : load_csv_examples(path, po);
  };
  Task task;
  task.name = spec.name;
  task.kind = o.kind();
  task.description = fmt::format("{} file {}{}", spec.kind, spec.path.string(),
                                 o.multiple_choice() ? " (multiple choice)" : (o.comparison() ? " (comparisons)" : ""));
  task.train = load(spec.path, spec.name + "/train");
  if (!spec.option("test").empty()) task.test = load(spec.option("test"), spec.name + "/test");
  return task;
}

Task load_format_task(const TaskSpec& spec, uint64_t seed) {
  const auto& formats = hf_formats();
  const auto info =
      std::find_if(formats.begin(), formats.end(), [&](const HfFormatInfo& f) { return f.name == spec.kind; });
  fs::path train = spec.path;
  fs::path test = spec.option("test");
  if (fs::is_directory(spec.path)) {
    train = spec.path / (info->train_split + ".jsonl");
    const fs::path t = spec.path / (info->test_split + ".jsonl");
    if (test.empty() && fs::exists(t)) test = t;
  }
  check(fs::exists(train), "{}: not found (task '{}:{}'; expected the exported {} split)", train.string(), spec.kind,
        spec.path.string(), info->train_split);
  Task task = format_hf(spec.kind, train, seed, test);
  if (!spec.option("name").empty()) task.name = spec.option("name");
  return task;
}

}  // namespace

std::string TaskSpec::option(std::string_view key) const {
  for (const auto& [k, v] : options) {
    if (k == key) return v;
  }
  return "";
}

fs::path resolve_data_root(const std::string& option) {
  if (!option.empty()) return fs::path(option);
  if (const char* env = std::getenv("W2S_DATA"); env != nullptr && *env != '\0') return fs::path(env);
  std::error_code ec;
  if (auto root = find_repo_root(fs::current_path(ec))) return *root / "data";
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    if (auto root = find_repo_root(exe.parent_path())) return *root / "data";
  }
  return fs::path("data");
}

std::vector<std::string> known_task_names() {
  std::vector<std::string> names;
  for (const BuiltinTaskInfo& t : builtin_tasks()) names.push_back(t.name);
  for (const std::string& k : file_kinds()) names.push_back(k);
  for (const std::string& f : hf_format_names()) names.push_back(f);
  return names;
}

TaskSpec parse_task_spec(const std::string& spec_in) {
  check(!spec_in.empty(), "empty task name; built-in tasks: {}", builtin_names());
  TaskSpec spec;
  if (find_builtin_task(spec_in) != nullptr) {
    spec.kind = "builtin";
    spec.name = spec_in;
    return spec;
  }
  std::string rest = spec_in;
  const size_t colon = spec_in.find(':');
  std::string prefix = colon == std::string::npos ? "" : spec_in.substr(0, colon);
  const bool prefixed =
      std::find(file_kinds().begin(), file_kinds().end(), prefix) != file_kinds().end() || is_hf_format(prefix);
  // "word:..." with an unknown word is a misspelt kind, not a path with a colon.
  const bool identifier_prefix = prefix.size() >= 2 && std::all_of(prefix.begin(), prefix.end(), [](char c) {
                                   return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                                 });
  if (prefixed) {
    spec.kind = prefix;
    rest = spec_in.substr(colon + 1);
  } else if (identifier_prefix) {
    unknown_task(prefix);
  } else {
    // A bare path chosen by extension.
    const std::string path_part = spec_in.substr(0, spec_in.find('?'));
    const std::string ext = fs::path(path_part).extension().string();
    if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") {
      spec.kind = "jsonl";
    } else if (ext == ".csv") {
      spec.kind = "csv";
    } else if (ext == ".tsv") {
      spec.kind = "tsv";
    } else {
      unknown_task(colon == std::string::npos ? spec_in : prefix);
    }
  }
  const size_t q = rest.find('?');
  spec.path = rest.substr(0, q);
  check(!spec.path.empty(), "task '{}': missing PATH after '{}:'", spec_in, spec.kind);
  const bool is_file_kind = std::find(file_kinds().begin(), file_kinds().end(), spec.kind) != file_kinds().end();
  if (q != std::string::npos) {
    spec.options =
        parse_options(std::string_view(rest).substr(q + 1), is_file_kind ? file_options() : format_options(), spec_in);
  }
  spec.name = spec.option("name");
  if (spec.name.empty()) spec.name = is_file_kind ? spec.path.stem().string() : spec.kind;
  return spec;
}

Task load_task(const std::string& spec_text, const LoadTaskOptions& options) {
  const TaskSpec spec = parse_task_spec(spec_text);
  if (spec.kind == "builtin") {
    check(is_task_prepared(options.data_root, spec.name),
          "task '{}' is not prepared: run scripts/setup.sh (or w2s data prepare) (data root: {})", spec.name,
          options.data_root.string());
    Task task = read_prepared_task(task_dir(options.data_root, spec.name), options.verify_digests);
    task.name = spec.name;
    return task;
  }
  if (std::find(file_kinds().begin(), file_kinds().end(), spec.kind) != file_kinds().end()) {
    return load_file_task(spec);
  }
  return load_format_task(spec, options.seed);
}

std::vector<TaskListing> list_tasks(const fs::path& data_root) {
  std::vector<TaskListing> out;
  for (const BuiltinTaskInfo& t : builtin_tasks()) {
    TaskListing l;
    l.name = t.name;
    l.kind = "builtin";
    l.description = t.description;
    l.prepared = is_task_prepared(data_root, t.name);
    if (l.prepared) {
      try {
        l.manifest = read_task_manifest(task_dir(data_root, t.name));
      } catch (const Error&) {
        l.prepared = false;  // unreadable manifest: treat as not prepared
      }
    }
    out.push_back(std::move(l));
  }
  for (const HfFormatInfo& f : hf_formats()) {
    TaskListing l;
    l.name = f.name + ":PATH";
    l.kind = "format";
    l.description =
        fmt::format("{} (export of {}, splits {}/{})", f.description, f.hf_dataset, f.train_split, f.test_split);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace w2s::data

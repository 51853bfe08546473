// Stage kind and method names.
#include "w2s/methods/stage_kind.h"

#include <array>
#include <utility>

#include "w2s/core/error.h"

namespace w2s::methods {
namespace {

constexpr std::array<std::pair<StageKind, std::string_view>, 6> kKinds = {{{StageKind::gt, "gt"},
                                                                           {StageKind::student, "student"},
                                                                           {StageKind::genft, "genft"},
                                                                           {StageKind::labels, "labels"},
                                                                           {StageKind::zeroshot, "zeroshot"},
                                                                           {StageKind::fewshot, "fewshot"}}};
constexpr std::array<std::pair<Method, std::string_view>, 3> kMethods = {
    {{Method::finetune, "finetune"}, {Method::bootstrap, "bootstrap"}, {Method::file, "file"}}};

template <class E, size_t N>
std::string name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, n] : table)
    if (v == e) return std::string(n);
  fail("internal: unnamed enum value {}", static_cast<int>(e));
}

template <class E, size_t N>
E parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name, std::string_view what,
        std::string_view where) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  std::string all;
  for (const auto& [v, n] : table) all += (all.empty() ? "" : ", ") + std::string(n);
  fail("{}: unknown {} \"{}\" (known: {})", where, what, name, all);
}

}  // namespace

std::string to_string(StageKind kind) { return name_of(kKinds, kind); }
std::string to_string(Method method) { return name_of(kMethods, method); }
StageKind parse_stage_kind(std::string_view name, std::string_view where) {
  return parse(kKinds, name, "stage kind", where);
}
Method parse_method(std::string_view name, std::string_view where) { return parse(kMethods, name, "method", where); }

}  // namespace w2s::methods

// Template part of support.h.
#pragma once

#include <exception>
#include <new>

#include "w2s/core/error.h"

namespace w2s::fuzz {

template <typename Fn>
void expect_clean(const char* what, Fn&& fn) {
  try {
    fn();
  } catch (const w2s::Error& e) {
    check_error_message(what, e.what());
  } catch (const std::bad_alloc& e) {
    report_escape(what, "std::bad_alloc (an allocation sized by the input)", e.what());
  } catch (const std::exception& e) {
    report_escape(what, typeid(e).name(), e.what());
  }
}

}  // namespace w2s::fuzz

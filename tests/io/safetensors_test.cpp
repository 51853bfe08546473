// Tests for io/safetensors single files: dtype table, bit-exact round trips, the writer's layout,
// a file built by hand from the format description, and one error per kind of malformed file.
#include "w2s/io/safetensors.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "safetensors_test_util.h"
#include "test_support.h"
#include "w2s/core/error.h"

namespace w2s::io {
namespace {

using namespace test_util;
using json = nlohmann::json;

// One header entry: {"dtype":..,"shape":..,"data_offsets":[b,e]}.
std::string entry(const std::string& dtype, const std::string& shape, uint64_t b, uint64_t e) {
  return fmt::format(R"({{"dtype":"{}","shape":{},"data_offsets":[{},{}]}})", dtype, shape, b, e);
}

size_t count_files(const std::filesystem::path& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

TEST(SafetensorsDtype, StringsMapToTorchAndBack) {
  const std::vector<std::pair<std::string, torch::Dtype>> table = {
      {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16},
      {"I64", torch::kInt64},   {"I32", torch::kInt32},   {"I16", torch::kInt16},   {"I8", torch::kInt8},
      {"U8", torch::kUInt8},    {"BOOL", torch::kBool}};
  for (const auto& [name, dtype] : table) {
    EXPECT_EQ(dtype_from_string(name), dtype) << name;
    EXPECT_EQ(dtype_to_string(dtype), name) << name;
    EXPECT_EQ(dtype_size(name), torch::elementSize(dtype)) << name;
  }
  EXPECT_EQ(dtype_size("U16"), 2u);
  EXPECT_EQ(dtype_size("F8_E4M3"), 1u);
  expect_error([] { dtype_from_string("F17"); }, {"unknown", "F17"});
  expect_error([] { dtype_size("f32"); }, {"unknown", "f32"});  // case matters
  for (const char* name : {"U16", "U32", "U64", "F8_E5M2", "F8_E4M3"})
    expect_error([&] { dtype_from_string(name); }, {"unsupported", name});
  expect_error([] { dtype_to_string(torch::kComplexFloat); }, {"no safetensors equivalent"});
}

TEST(Safetensors, RoundTripEveryDtypeBitIdentical) {
  torch::manual_seed(7);
  TensorMap in;
  auto f64 = torch::randn({3, 5}, torch::kFloat64);
  f64[0][0] = std::numeric_limits<double>::quiet_NaN();
  f64[0][1] = -std::numeric_limits<double>::infinity();
  f64[0][2] = -0.0;
  f64[0][3] = std::numeric_limits<double>::denorm_min();
  in["f64"] = f64;
  // Random bit patterns cover NaN payloads, infinities, subnormals and both zeros.
  in["f32"] =
      torch::randint(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), {4, 7}, torch::kInt32)
          .view(torch::kFloat32);
  in["f16"] = torch::randint(-32768, 32768, {257}, torch::kInt16).view(torch::kFloat16);
  in["bf16"] = torch::randint(-32768, 32768, {16, 16}, torch::kInt16).view(torch::kBFloat16);
  auto i64 = torch::randint(-(int64_t{1} << 62), int64_t{1} << 62, {2, 3, 4}, torch::kInt64);
  i64[0][0][0] = std::numeric_limits<int64_t>::min();
  i64[0][0][1] = std::numeric_limits<int64_t>::max();
  in["i64"] = i64;
  in["i32"] =
      torch::randint(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), {9}, torch::kInt32);
  in["i16"] = torch::randint(-32768, 32768, {5, 2}, torch::kInt16);
  in["i8"] = torch::randint(-128, 128, {11}, torch::kInt8);
  in["u8"] = torch::randint(0, 256, {3, 3}, torch::kUInt8);
  in["bool"] = torch::randint(0, 2, {13}, torch::kInt8).to(torch::kBool);
  in["scalar"] = torch::scalar_tensor(3.25, torch::kFloat32);
  in["scalar_i64"] = torch::scalar_tensor(-5, torch::kInt64);
  in["zero_rows"] = torch::empty({0, 3}, torch::kFloat32);
  in["zero_cols"] = torch::empty({2, 0}, torch::kBFloat16);
  in["transposed"] = torch::arange(24, torch::kFloat32).reshape({4, 6}).t();
  in["strided"] = torch::arange(40, torch::kInt64).reshape({4, 10}).slice(1, 1, 10, 3);
  in["expanded"] = torch::arange(3, torch::kInt16).expand({4, 3});
  in["needs_grad"] = torch::ones({2, 2}, torch::kFloat32).requires_grad_(true);
  ASSERT_FALSE(in["transposed"].is_contiguous());
  ASSERT_FALSE(in["strided"].is_contiguous());

  test::TempDir dir;
  const auto path = dir / "all.safetensors";
  save_safetensors(path, in);
  const TensorMap out = load_safetensors(path);
  ASSERT_EQ(out.size(), in.size());
  for (const auto& [name, t] : in) {
    ASSERT_TRUE(out.count(name)) << name;
    expect_bit_identical(t.detach(), out.at(name), name);
  }
  EXPECT_EQ(out.at("scalar").dim(), 0);
  EXPECT_FLOAT_EQ(out.at("scalar").item<float>(), 3.25f);
  EXPECT_EQ(out.at("expanded")[3][2].item<int16_t>(), 2);

  const auto file = SafetensorsFile::open(path);
  EXPECT_EQ(file->find("bf16")->dtype, "BF16");
  EXPECT_EQ(file->find("bool")->dtype, "BOOL");
  EXPECT_EQ(file->find("scalar")->shape, std::vector<int64_t>{});
  EXPECT_EQ(file->find("transposed")->shape, (std::vector<int64_t>{6, 4}));
  EXPECT_EQ(file->find("zero_rows")->begin, file->find("zero_rows")->end);
  EXPECT_EQ(file->find("missing"), nullptr);
  EXPECT_FALSE(file->contains("missing"));
  EXPECT_TRUE(file->metadata().empty());
}

TEST(Safetensors, MetadataRoundTrip) {
  test::TempDir dir;
  const Metadata meta = {{"format", "pt"}, {"note", "ünïcode ✓"}, {"empty", ""}};
  save_safetensors(dir / "m.safetensors", {{"x", torch::ones({2})}}, meta);
  EXPECT_EQ(SafetensorsFile::open(dir / "m.safetensors")->metadata(), meta);
}

TEST(Safetensors, WriterLayoutFollowsTheFormat) {
  test::TempDir dir;
  const auto path = dir / "layout.safetensors";
  TensorMap in;
  in["b"] = torch::tensor({1.0f, 2.0f});                  // 8 bytes
  in["a"] = torch::tensor({1, 2, 3}, torch::kInt8);       // 3 bytes
  in["c"] = torch::scalar_tensor(1.0, torch::kBFloat16);  // 2 bytes
  save_safetensors(path, in, {{"format", "pt"}});

  const std::string bytes = read_bytes(path);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(n % 8, 0u) << "header padded so the data section is 8-byte aligned";
  ASSERT_EQ(bytes.size(), 8 + n + 13);
  const std::string header = bytes.substr(8, n);
  const size_t close = header.find_last_of('}');
  EXPECT_EQ(header.find_first_not_of(' ', close + 1), std::string::npos) << "padding is spaces";
  const json j = json::parse(header);
  EXPECT_EQ(j["__metadata__"], json({{"format", "pt"}}));
  // Tensors sorted by name, data in the same order.
  EXPECT_EQ(j["a"]["data_offsets"], json({0, 3}));
  EXPECT_EQ(j["b"]["data_offsets"], json({3, 11}));
  EXPECT_EQ(j["c"]["data_offsets"], json({11, 13}));
  EXPECT_EQ(j["a"]["dtype"], "I8");
  EXPECT_EQ(j["c"]["shape"], json::array());
  EXPECT_EQ(bytes.substr(8 + n, 3), std::string("\x01\x02\x03", 3));

  // Without metadata there is no __metadata__ entry.
  save_safetensors(path, in);
  const std::string again = read_bytes(path);
  EXPECT_EQ(again.find("__metadata__"), std::string::npos);
}

// A file written byte by byte from the format description, independent of our writer: unpadded
// header (so the data section is not aligned), metadata, scalar, bool, bf16 and a zero-size tensor.
TEST(Safetensors, ReadsHandBuiltFileFromTheSpec) {
  const std::string header =
      "{\"weight\":" + entry("F32", "[2]", 0, 8) + ",\"step\":" + entry("I16", "[]", 8, 10) +
      ",\"half\":" + entry("BF16", "[1,2]", 10, 14) + ",\"flag\":" + entry("BOOL", "[3]", 14, 17) +
      ",\"empty\":" + entry("F16", "[0,4]", 17, 17) + ",\"__metadata__\":{\"format\":\"pt\",\"source\":\"hand\"}}  ";
  const std::string data = std::string("\x00\x00\xc0\x3f", 4)    // 1.5f
                           + std::string("\x00\x00\x00\xc0", 4)  // -2.0f
                           + std::string("\xfd\xff", 2)          // int16 -3
                           + std::string("\x80\x3f", 2)          // bf16 1.0
                           + std::string("\x00\xbf", 2)          // bf16 -0.5
                           + std::string("\x01\x00\x01", 3);     // true false true
  ASSERT_NE((8 + header.size()) % 8, 0u) << "the test wants an unaligned data section";
  test::TempDir dir;
  const auto path = dir / "hand.safetensors";
  write_bytes(path, raw_safetensors(header, data));

  const auto file = SafetensorsFile::open(path);
  ASSERT_EQ(file->tensors().size(), 5u);
  std::vector<std::string> order;
  for (const auto& t : file->tensors()) order.push_back(t.name);
  EXPECT_EQ(order, (std::vector<std::string>{"weight", "step", "half", "flag", "empty"}));
  EXPECT_EQ(file->metadata(), (Metadata{{"format", "pt"}, {"source", "hand"}}));
  EXPECT_EQ(file->find("half")->begin, 10u);
  EXPECT_EQ(file->find("half")->end, 14u);

  const auto weight = file->get("weight");
  EXPECT_EQ(weight.scalar_type(), torch::kFloat32);
  EXPECT_EQ(weight.sizes().vec(), std::vector<int64_t>{2});
  EXPECT_EQ(weight[0].item<float>(), 1.5f);
  EXPECT_EQ(weight[1].item<float>(), -2.0f);
  const auto step = file->get("step");
  EXPECT_EQ(step.dim(), 0);
  EXPECT_EQ(step.scalar_type(), torch::kInt16);
  EXPECT_EQ(step.item<int16_t>(), -3);
  const auto half = file->get("half");
  EXPECT_EQ(half.scalar_type(), torch::kBFloat16);
  EXPECT_EQ(half.sizes().vec(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(half[0][0].item<float>(), 1.0f);
  EXPECT_EQ(half[0][1].item<float>(), -0.5f);
  const auto flag = file->get("flag");
  EXPECT_EQ(flag.scalar_type(), torch::kBool);
  EXPECT_TRUE(flag[0].item<bool>());
  EXPECT_FALSE(flag[1].item<bool>());
  EXPECT_TRUE(flag[2].item<bool>());
  const auto empty = file->get("empty");
  EXPECT_EQ(empty.scalar_type(), torch::kFloat16);
  EXPECT_EQ(empty.sizes().vec(), (std::vector<int64_t>{0, 4}));
}

TEST(Safetensors, EmptyFileWithNoTensorsIsValid) {
  test::TempDir dir;
  write_bytes(dir / "none.safetensors", raw_safetensors("{}", ""));
  EXPECT_TRUE(load_safetensors(dir / "none.safetensors").empty());
  save_safetensors(dir / "saved.safetensors", {});
  EXPECT_TRUE(load_safetensors(dir / "saved.safetensors").empty());
}

TEST(Safetensors, TensorOutlivesTheFile) {
  test::TempDir dir;
  const auto path = dir / "t.safetensors";
  save_safetensors(path, {{"x", torch::arange(5, torch::kFloat32)}});
  auto file = SafetensorsFile::open(path);
  const auto x = file->get("x");
  file.reset();  // unmaps
  std::filesystem::remove(path);
  EXPECT_EQ(x[4].item<float>(), 4.0f);
  EXPECT_EQ(x.sum().item<float>(), 10.0f);
}

TEST(Safetensors, GetErrorsNameFileAndTensor) {
  test::TempDir dir;
  const auto path = dir / "get.safetensors";
  const std::string header = "{\"ok\":" + entry("U8", "[2]", 0, 2) + ",\"wide\":" + entry("U16", "[2]", 2, 6) + "}";
  write_bytes(path, raw_safetensors(header, std::string("\x01\x02\x03\x00\x04\x00", 6)));
  const auto file = SafetensorsFile::open(path);  // unsupported dtypes are fine until read
  EXPECT_EQ(file->get("ok")[1].item<uint8_t>(), 2);
  expect_error([&] { file->get("wide"); }, {path.string(), "wide", "unsupported dtype", "U16"});
  expect_error([&] { file->get("nope"); }, {path.string(), "nope"});
  expect_error([&] { load_safetensors(path); }, {path.string(), "wide", "unsupported dtype"});
}

TEST(Safetensors, MissingFileNamesThePath) {
  expect_error([] { SafetensorsFile::open("/nonexistent/w2s/x.safetensors"); },
               {"/nonexistent/w2s/x.safetensors", "cannot open"});
  test::TempDir dir;
  expect_error([&] { SafetensorsFile::open(dir.path()); }, {dir.path().string(), "not a regular file"});
}

struct Malformed {
  std::string label;               // file name stem
  std::string bytes;               // whole file
  std::vector<std::string> words;  // expected in the message besides the file name
};

// Every malformed file the reader must reject, constructed byte by byte.
std::vector<Malformed> malformed_files() {
  const std::string d8(8, '\0'), d12(12, '\0');
  const std::string f32x2 = entry("F32", "[2]", 0, 8);
  std::vector<Malformed> v = {
      {"empty", "", {"too short"}},
      {"short", "abc", {"too short"}},
      {"length_only", std::string(8, '\0'), {"not valid JSON"}},
      {"header_past_end", raw_with_length(1000, "{}"), {"header length", "larger than the file"}},
      {"header_huge", raw_with_length(~uint64_t{0}, "{}"), {"header length"}},
      {"not_json", raw_safetensors("{\"a\": ", ""), {"not valid JSON"}},
      {"trailing_garbage", raw_safetensors("{} x", ""), {"not valid JSON"}},
      {"bad_utf8", raw_safetensors("{\"\xff\":1}", ""), {"not valid JSON"}},
      {"not_object", raw_safetensors("[1,2]", ""), {"must be a JSON object"}},
      {"entry_not_object", raw_safetensors("{\"a\":3}", ""), {"'a'", "must be an object"}},
      {"missing_dtype", raw_safetensors(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", d8), {"'a'", "missing 'dtype'"}},
      {"missing_shape",
       raw_safetensors(R"({"a":{"dtype":"F32","data_offsets":[0,8]}})", d8),
       {"'a'", "missing 'shape'"}},
      {"missing_offsets",
       raw_safetensors(R"({"a":{"dtype":"F32","shape":[2]}})", d8),
       {"'a'", "missing 'data_offsets'"}},
      {"dtype_not_string",
       raw_safetensors(R"({"a":{"dtype":5,"shape":[2],"data_offsets":[0,8]}})", d8),
       {"'a'", "'dtype' must be a string"}},
      {"shape_not_array",
       raw_safetensors(R"({"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", d8),
       {"'a'", "'shape' must be an array"}},
      {"shape_float",
       raw_safetensors(R"({"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", d8),
       {"'a'", "'shape' entries must be integers"}},
      {"offsets_one",
       raw_safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}})", d8),
       {"'a'", "'data_offsets'"}},
      {"offsets_negative",
       raw_safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[-1,7]}})", d8),
       {"'a'", "'data_offsets'"}},
      {"offsets_strings",
       raw_safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":["0","8"]}})", d8),
       {"'a'", "'data_offsets'"}},
      {"unknown_dtype",
       raw_safetensors("{\"a\":" + entry("F17", "[2]", 0, 8) + "}", d8),
       {"'a'", "unknown dtype", "F17"}},
      {"negative_dim",
       raw_safetensors("{\"a\":" + entry("F32", "[-2]", 0, 8) + "}", d8),
       {"'a'", "negative dimension"}},
      {"dim_beyond_int64",
       raw_safetensors("{\"a\":" + entry("U8", "[18446744073709551615]", 0, 8) + "}", d8),
       {"'a'", "overflows"}},
      {"shape_product_overflow",
       raw_safetensors("{\"a\":" + entry("F32", "[4294967296,4294967296,16]", 0, 8) + "}", d8),
       {"'a'", "overflow"}},
      {"byte_size_overflow",
       raw_safetensors("{\"a\":" + entry("F64", "[4611686018427387904]", 0, 8) + "}", d8),
       {"'a'", "overflow"}},
      {"size_mismatch",
       raw_safetensors("{\"a\":" + entry("F32", "[3]", 0, 8) + "}", d8),
       {"'a'", "size mismatch", "12 bytes"}},
      {"begin_after_end", raw_safetensors("{\"a\":" + entry("F32", "[1]", 8, 4) + "}", d8), {"'a'", "begin 8 > end 4"}},
      {"end_beyond_data",
       raw_safetensors("{\"a\":" + entry("F32", "[4]", 0, 16) + "}", d8),
       {"'a'", "beyond the data section"}},
      {"overlap",
       raw_safetensors("{\"a\":" + f32x2 + ",\"b\":" + entry("F32", "[2]", 4, 12) + "}", d12),
       {"'a'", "'b'", "overlap"}},
      {"zero_size_inside_other",
       raw_safetensors("{\"a\":" + f32x2 + ",\"z\":" + entry("F32", "[0]", 4, 4) + "}", d8),
       {"'a'", "'z'", "overlap"}},
      {"gap_between",
       raw_safetensors("{\"a\":" + entry("F32", "[1]", 0, 4) + ",\"b\":" + entry("F32", "[1]", 8, 12) + "}", d12),
       {"gap", "'b'"}},
      {"gap_at_start", raw_safetensors("{\"a\":" + entry("F32", "[1]", 4, 8) + "}", d8), {"gap"}},
      {"uncovered_tail", raw_safetensors("{\"a\":" + entry("F32", "[1]", 0, 4) + "}", d8), {"not fully covered"}},
      {"data_without_tensors", raw_safetensors("{}", d8), {"not fully covered"}},
      {"duplicate_name",
       raw_safetensors("{\"a\":" + f32x2 + ",\"a\":" + f32x2 + "}", d8),
       {"duplicate tensor name", "'a'"}},
      {"duplicate_key_in_entry",
       raw_safetensors(R"({"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})", d8),
       {"duplicate key", "dtype"}},
      {"metadata_not_object",
       raw_safetensors("{\"__metadata__\":3,\"a\":" + f32x2 + "}", d8),
       {"__metadata__", "object"}},
      {"metadata_not_strings",
       raw_safetensors("{\"__metadata__\":{\"epoch\":1},\"a\":" + f32x2 + "}", d8),
       {"__metadata__", "'epoch'"}},
  };
  return v;
}

TEST(Safetensors, EveryMalformedFileGivesANamedError) {
  test::TempDir dir;
  for (const auto& m : malformed_files()) {
    const auto path = dir / (m.label + ".safetensors");
    write_bytes(path, m.bytes);
    auto words = m.words;
    words.push_back(path.string());
    expect_error([&] { SafetensorsFile::open(path); }, words, m.label);
  }
}

TEST(Safetensors, SaveRejectsWhatTheFormatCannotHold) {
  test::TempDir dir;
  const auto path = dir / "bad.safetensors";
  expect_error([&] { save_safetensors(path, {{"__metadata__", torch::ones({1})}}); }, {path.string(), "__metadata__"});
  expect_error(
      [&] {
        save_safetensors(path, {{"c", torch::ones({2}, torch::kComplexFloat)}});
      },
      {path.string(), "'c'", "no safetensors equivalent"});
  expect_error([&] { save_safetensors(path, {{"u", torch::Tensor()}}); }, {path.string(), "'u'", "undefined"});
  expect_error([&] { save_safetensors(path, {{"\xff", torch::ones({1})}}); }, {path.string(), "UTF-8"});
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(count_files(dir.path()), 0u) << "no temporary left behind";
}

TEST(Safetensors, SaveOverwritesAtomically) {
  test::TempDir dir;
  const auto path = dir / "sub" / "w.safetensors";
  save_safetensors(path, {{"x", torch::ones({3})}});
  save_safetensors(path, {{"y", torch::zeros({2, 2}, torch::kInt64)}});
  const auto out = load_safetensors(path);
  ASSERT_EQ(out.size(), 1u);
  expect_bit_identical(torch::zeros({2, 2}, torch::kInt64), out.at("y"));
  EXPECT_EQ(count_files(path.parent_path()), 1u);
}

// A full disk: the file size limit makes write(2) fail with EFBIG partway through the data.
TEST(Safetensors, FailedWriteThrowsAndKeepsTheOldFile) {
  test::TempDir dir;
  const auto path = dir / "w.safetensors";
  save_safetensors(path, {{"x", torch::ones({4})}});
  const std::string before = read_bytes(path);

  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit small = old;
  small.rlim_cur = 64 * 1024;
  const auto old_handler = signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string message = error_of([&] { save_safetensors(path, {{"big", torch::zeros({1 << 20})}}); });
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);

  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("write failed"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(path), before);
  EXPECT_EQ(count_files(dir.path()), 1u) << "the temporary is removed";
}

}  // namespace
}  // namespace w2s::io

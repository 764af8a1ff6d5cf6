#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "parley/error.h"
#include "parley/result.h"

namespace parley {
namespace {

TEST(ErrorTest, EveryKindHasItsDomExceptionName) {
  EXPECT_EQ(InvalidStateError("x").name(), "InvalidStateError");
  EXPECT_EQ(SyntaxError("x").name(), "SyntaxError");
  EXPECT_EQ(InvalidAccessError("x").name(), "InvalidAccessError");
  EXPECT_EQ(InvalidModificationError("x").name(), "InvalidModificationError");
  EXPECT_EQ(OperationError("x").name(), "OperationError");
  EXPECT_EQ(RangeError("x").name(), "RangeError");
  EXPECT_EQ(TypeError("x").name(), "TypeError");
  EXPECT_EQ(NotSupportedError("x").name(), "NotSupportedError");
}

TEST(ErrorTest, CarriesKindAndMessage) {
  const Error e = InvalidStateError("createAnswer called in state 'stable'");
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidStateError);
  EXPECT_EQ(e.message(), "createAnswer called in state 'stable'");
  EXPECT_EQ(e.ToString(), "InvalidStateError: createAnswer called in state 'stable'");
  std::ostringstream os;
  os << e;
  EXPECT_EQ(os.str(), e.ToString());
  EXPECT_EQ(e, InvalidStateError("createAnswer called in state 'stable'"));
  EXPECT_NE(e, OperationError("createAnswer called in state 'stable'"));
}

Result<int> ParsePort(const std::string& text) {
  if (text.empty()) return TypeError("port is empty");
  const int port = std::stoi(text);
  if (port > 65535) return RangeError("port " + text + " is above 65535");
  return port;
}

TEST(ResultTest, HoldsValueOrError) {
  auto good = ParsePort("5000");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(static_cast<bool>(good));
  EXPECT_EQ(good.value(), 5000);
  EXPECT_EQ(*good, 5000);
  EXPECT_EQ(good.value_or(1), 5000);

  auto bad = ParsePort("70000");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind(), ErrorKind::kRangeError);
  EXPECT_EQ(bad.error().message(), "port 70000 is above 65535");
  EXPECT_EQ(bad.value_or(1), 1);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> owned = std::move(r).value();
  EXPECT_EQ(*owned, 7);
}

TEST(ResultTest, StructAccessThroughArrow) {
  struct Point {
    int x;
  };
  Result<Point> r = Point{3};
  EXPECT_EQ(r->x, 3);
}

TEST(ResultTest, VoidResult) {
  Result<void> ok = Ok();
  EXPECT_TRUE(ok.ok());
  Result<void> failed = OperationError("DTLS handshake failed");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().name(), "OperationError");
}

TEST(ResultDeathTest, WrongAlternativeAbortsWithTheError) {
  Result<int> bad = SyntaxError("line 3: a=rtpmap without payload type");
  EXPECT_DEATH((void)bad.value(), "SyntaxError: line 3: a=rtpmap without payload type");
  Result<int> good = 1;
  EXPECT_DEATH((void)good.error(), "error\\(\\) on a successful Result");
}

}  // namespace
}  // namespace parley

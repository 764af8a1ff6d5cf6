// Malformed descriptions: each is refused with a SyntaxError naming the line and why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sdp/session_description.h"

namespace parley::sdp {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::string_literals;

constexpr std::string_view kSession = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

struct Malformed {
  const char* name;
  std::string text;
  int line;
  const char* why;
};

std::string WithSession(std::string_view rest) {
  return std::string(kSession) + std::string(rest);
}

const Malformed kCases[] = {
    {"FirstLineNotVersion", "o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n", 1, "the first line must be v="},
    {"VersionNotZero", "v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\n", 1, "version must be 0"},
    {"VersionWithSpace", "v= 0\r\n", 1, "version must be 0"},
    {"LineWithoutEquals", "v=0\r\nhello\r\n", 2, "not of the form <letter>=<value>"},
    {"LineWithoutType", "v=0\r\n=x\r\n", 2, "not of the form <letter>=<value>"},
    {"DigitAsType", "v=0\r\n1=x\r\n", 2, "not of the form <letter>=<value>"},
    {"TwoLetterType", "v=0\r\nab=x\r\n", 2, "not of the form <letter>=<value>"},
    {"SpaceBeforeType", "v=0\r\n a=x\r\n", 2, "not of the form <letter>=<value>"},
    {"SingleLetter", "v=0\r\na\r\n", 2, "not of the form <letter>=<value>"},
    {"EmptyLineInside", "v=0\r\n\r\no=- 1 1 IN IP4 0.0.0.0\r\n", 2, "empty line"},
    {"BlankLineInside", WithSession(" \r\na=x\r\n"), 5, "empty line"},
    {"NulInLine", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=a\0b\r\n"s, 3, "control character"},
    {"CarriageReturnInLine", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=a\rb\r\n", 3, "control character"},
    {"EscapeInLine", WithSession("a=x\x1b[31m\r\n"), 5, "control character"},
    {"DeleteInLine", WithSession("a=x\x7f\r\n"), 5, "control character"},
    {"RepeatedVersion", WithSession("v=0\r\n"), 5, "repeated v= line"},
    {"RepeatedOrigin", WithSession("o=- 1 1 IN IP4 0.0.0.0\r\n"), 5, "repeated o= line"},
    {"RepeatedSessionName", WithSession("s=again\r\n"), 5, "repeated s= line"},
    {"RepeatedSessionConnection", WithSession("c=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n"), 6,
     "repeated c= line"},
    {"RepeatedMediaConnection",
     WithSession("m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n"), 7,
     "repeated c= line in media section"},
    {"OriginWithFiveFields", "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", 2, "o= needs 6 fields"},
    {"OriginWithSevenFields", "v=0\r\no=- 1 1 IN IP4 0.0.0.0 x\r\n", 2, "o= needs 6 fields"},
    {"OriginVersionNotANumber", "v=0\r\no=- 1 x IN IP4 0.0.0.0\r\n", 2,
     "session version is not a 64-bit number"},
    {"OriginVersionTooLarge", "v=0\r\no=- 1 18446744073709551616 IN IP4 0.0.0.0\r\n", 2,
     "session version is not a 64-bit number"},
    {"ConnectionWithTwoFields", WithSession("c=IN IP4\r\n"), 5, "c= needs 3 fields"},
    {"MediaConnectionWithFourFields", WithSession("m=audio 9 RTP/AVP 0\r\nc=IN IP4 1.2.3.4 x\r\n"),
     6, "c= needs 3 fields"},
    {"NoOrigin", "v=0\r\ns=-\r\nt=0 0\r\n", 3, "the session section (lines 1-3) has no o= line"},
    {"NoSessionName", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=0 0\r\na=x\r\n", 4,
     "the session section (lines 1-4) has no s= line"},
    {"NoTiming", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", 4,
     "the session section (lines 1-3) has no t= line"},
    {"OnlyVersion", "v=0\r\n", 1, "the session section (lines 1-1) has no o= line"},
    {"MediaWithoutAnything", WithSession("m=\r\n"), 5, "m= line has no media type"},
    {"MediaWithoutPort", WithSession("m=audio\r\n"), 5, "m= line has no port"},
    {"MediaWithoutProto", WithSession("m=audio 9\r\n"), 5, "m= line has no proto"},
    {"MediaPortNotANumber", WithSession("m=audio x UDP\r\n"), 5, "port is not a number"},
    {"MediaPortNegative", WithSession("m=audio -1 RTP/AVP 0\r\n"), 5, "port is not a number"},
    {"MediaPortHex", WithSession("m=audio 0x10 RTP/AVP 0\r\n"), 5, "port is not a number"},
    {"MediaPortEmptyBeforeCount", WithSession("m=audio /2 RTP/AVP 0\r\n"), 5,
     "port is not a number"},
    {"MediaPortTooLarge", WithSession("m=audio 65536 RTP/AVP 0\r\n"), 5, "port is out of range"},
    {"MediaPortHuge", WithSession("m=audio 99999999999999999999999 RTP/AVP 0\r\n"), 5,
     "port is out of range"},
    {"MediaPortCountNotANumber", WithSession("m=audio 9/x RTP/AVP 0\r\n"), 5,
     "port count is not a number up to 65535"},
    {"MediaPortCountEmpty", WithSession("m=audio 9/ RTP/AVP 0\r\n"), 5,
     "port count is not a number up to 65535"},
    {"AttributeWithoutName", WithSession("a=:value\r\n"), 5, "attribute has no name"},
    {"EmptyAttribute", WithSession("m=audio 9 RTP/AVP 0\r\na=\r\n"), 6, "attribute has no name"},
    {"OriginInMedia", WithSession("m=audio 9 RTP/AVP 0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"), 6,
     "o= line inside a media section"},
    {"SessionNameInMedia", WithSession("m=audio 9 RTP/AVP 0\r\ns=-\r\n"), 6,
     "s= line inside a media section"},
    {"TimingInMedia", WithSession("m=audio 9 RTP/AVP 0\r\nt=0 0\r\n"), 6,
     "t= line inside a media section"},
    {"VersionInMedia", WithSession("m=audio 9 RTP/AVP 0\r\nv=0\r\n"), 6, "repeated v= line"},
    {"ErrorAfterBareLineFeeds", "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\na=x\nm=video 9\n", 6,
     "m= line has no proto"},
};

class SdpMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(SdpMalformed, IsASyntaxErrorNamingTheLine) {
  const Malformed& c = GetParam();
  auto parsed = Parse(c.text);
  ASSERT_FALSE(parsed.ok()) << "parsed: " << c.text;
  EXPECT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError);
  EXPECT_THAT(parsed.error().message(), StartsWith("SDP line " + std::to_string(c.line) + " (\""));
  EXPECT_THAT(parsed.error().message(), HasSubstr(std::string("): ") + c.why));
}

INSTANTIATE_TEST_SUITE_P(Cases, SdpMalformed, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SdpMalformedMessage, QuotesTheLineAndSaysWhy) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
      "a=x\r\nm=audio x UDP\r\na=mid:0\r\n";
  auto parsed = Parse(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().ToString(),
            "SyntaxError: SDP line 7 (\"m=audio x UDP\"): port is not a number");
}

TEST(SdpMalformedMessage, CutsLongLinesInTheMessage) {
  const std::string text = WithSession("m=audio 9" + std::string(500, 'x') + " RTP/AVP 0\r\n");
  auto parsed = Parse(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(),
              StartsWith("SDP line 5 (\"m=audio 9" + std::string(71, 'x') + "...\"): "));
  EXPECT_LT(parsed.error().message().size(), 160u);
}

TEST(SdpMalformedInput, EmptyOrBlankTextIsASyntaxError) {
  for (std::string_view text : {"", "\r\n", "  \n\t\r\n"}) {
    auto parsed = Parse(text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError);
    EXPECT_THAT(parsed.error().message(), HasSubstr("no v= line"));
  }
}

TEST(SdpMalformedInput, RefusesMoreThanOneMebibyte) {
  std::string text(kSession);
  text += "a=x:" + std::string(kMaxTextSize, 'y') + "\r\n";
  auto parsed = Parse(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind(), ErrorKind::kSyntaxError);
  EXPECT_THAT(parsed.error().message(), HasSubstr("more than the 1048576 accepted"));
}

TEST(SdpMalformedInput, RefusesMoreThan64KiLines) {
  std::string text(kSession);
  while (text.size() < kMaxLines * 4 + 100)
    text += "a\n";  // two bytes per line: far more lines than allowed within 1 MiB
  auto parsed = Parse(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message(), HasSubstr("more than 65536 lines"));

  std::string at_limit(kSession);
  for (size_t lines = 4; lines < kMaxLines; ++lines)
    at_limit += "a=x\n";
  EXPECT_TRUE(Parse(at_limit).ok());
}

}  // namespace
}  // namespace parley::sdp

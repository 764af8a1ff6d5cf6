// a=setup parsing and the DTLS role matrix (RFC 8842 §5.2, RFC 4145 §4).
#include "dtls/setup_role.h"

#include <gtest/gtest.h>

#include <optional>

namespace parley::dtls {
namespace {

// Qualified as dtls::Setup throughout: GoogleTest's Test has a member named Setup.
constexpr dtls::Setup kAll[] = {Setup::kActpass, Setup::kActive, Setup::kPassive, Setup::kHoldconn};

TEST(SetupRoleTest, ParsesEveryValueCaseInsensitively) {
  EXPECT_EQ(ParseSetup("actpass"), Setup::kActpass);
  EXPECT_EQ(ParseSetup("active"), Setup::kActive);
  EXPECT_EQ(ParseSetup("passive"), Setup::kPassive);
  EXPECT_EQ(ParseSetup("holdconn"), Setup::kHoldconn);
  EXPECT_EQ(ParseSetup("ACTPASS"), Setup::kActpass);
  EXPECT_EQ(ParseSetup("Active"), Setup::kActive);
  for (const char* bad : {"", "act", "actpass ", "client", "activepassive"}) {
    EXPECT_FALSE(ParseSetup(bad).has_value()) << bad;
  }
  for (dtls::Setup setup : kAll)
    EXPECT_EQ(ParseSetup(ToString(setup)), setup);
  EXPECT_EQ(ToString(Role::kClient), "client");
  EXPECT_EQ(ToString(Role::kServer), "server");
}

TEST(SetupRoleTest, AnswerPicksActiveForActpassAsBrowsersDo) {
  EXPECT_EQ(AnswerSetup(Setup::kActpass).value(), Setup::kActive);
  EXPECT_EQ(AnswerSetup(Setup::kActive).value(), Setup::kPassive);
  EXPECT_EQ(AnswerSetup(Setup::kPassive).value(), Setup::kActive);
  auto hold = AnswerSetup(Setup::kHoldconn);
  ASSERT_FALSE(hold.ok());
  EXPECT_EQ(hold.error().kind(), ErrorKind::kInvalidAccessError);
}

// Every (local, remote) pair: the role, or nullopt for an error.
TEST(SetupRoleTest, RoleMatrix) {
  struct Row {
    dtls::Setup local;
    dtls::Setup remote;
    std::optional<Role> role;
  };
  const Row matrix[] = {
      // We offered actpass; the answer decided.
      {Setup::kActpass, Setup::kActive, Role::kServer},
      {Setup::kActpass, Setup::kPassive, Role::kClient},
      {Setup::kActpass, Setup::kActpass, std::nullopt},
      {Setup::kActpass, Setup::kHoldconn, std::nullopt},
      // We answered (or offered) active.
      {Setup::kActive, Setup::kActpass, Role::kClient},
      {Setup::kActive, Setup::kPassive, Role::kClient},
      {Setup::kActive, Setup::kActive, std::nullopt},
      {Setup::kActive, Setup::kHoldconn, std::nullopt},
      // We answered (or offered) passive.
      {Setup::kPassive, Setup::kActpass, Role::kServer},
      {Setup::kPassive, Setup::kActive, Role::kServer},
      {Setup::kPassive, Setup::kPassive, std::nullopt},
      {Setup::kPassive, Setup::kHoldconn, std::nullopt},
      // holdconn never yields a role.
      {Setup::kHoldconn, Setup::kActpass, std::nullopt},
      {Setup::kHoldconn, Setup::kActive, std::nullopt},
      {Setup::kHoldconn, Setup::kPassive, std::nullopt},
      {Setup::kHoldconn, Setup::kHoldconn, std::nullopt},
  };
  for (const Row& row : matrix) {
    SCOPED_TRACE(std::string(ToString(row.local)) + "/" + std::string(ToString(row.remote)));
    Result<Role> role = DecideRole(row.local, row.remote);
    if (row.role) {
      ASSERT_TRUE(role.ok()) << role.error();
      EXPECT_EQ(*role, *row.role);
    } else {
      ASSERT_FALSE(role.ok());
      EXPECT_EQ(role.error().kind(), ErrorKind::kInvalidAccessError);
    }
  }
}

// Offer/answer through AnswerSetup: the two sides always end in opposite roles.
TEST(SetupRoleTest, OfferAndAnswerAgreeOnOppositeRoles) {
  for (dtls::Setup offer : {Setup::kActpass, Setup::kActive, Setup::kPassive}) {
    const dtls::Setup answer = AnswerSetup(offer).value();
    const Role offerer = DecideRole(offer, answer).value();
    const Role answerer = DecideRole(answer, offer).value();
    EXPECT_NE(offerer, answerer) << ToString(offer);
  }
  // The browser default: actpass offer, active answer, the answerer is the DTLS client.
  EXPECT_EQ(DecideRole(Setup::kActive, Setup::kActpass).value(), Role::kClient);
}

TEST(SetupRoleTest, ErrorsSayWhatWasWrong) {
  auto both = DecideRole(Setup::kActpass, Setup::kActpass);
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message().find("a=setup:actpass locally and a=setup:actpass remotely"),
            std::string::npos)
      << both.error().message();
  auto hold = DecideRole(Setup::kActive, Setup::kHoldconn);
  ASSERT_FALSE(hold.ok());
  EXPECT_NE(hold.error().message().find("holdconn"), std::string::npos);
}

}  // namespace
}  // namespace parley::dtls

// parley-signal's static files over real HTTP: the index at /, Content-Types, HEAD, 404, and
// traversal attempts sent byte for byte by a raw client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "signaling/client_inbox.h"
#include "signaling/raw_clients.h"
#include "signaling/signal_server_process.h"
#include "signaling/signaling_client.h"

namespace parley::examples::test {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using ::testing::HasSubstr;

class StaticHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(files_.ok());
    const fs::path root = fs::path(files_.path()) / "web";
    fs::create_directories(root / "css");
    Write(root / "index.html", "<!doctype html><title>demo</title>");
    Write(root / "app.js", "console.log('hi');");
    Write(root / "css" / "style.css", "body{}");
    Write(root / "config.json", "{\"room\":\"demo\"}");
    Write(root / "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    Write(root / "logo.png", std::string("\x89PNG\r\n\x1a\n\0\0", 10));
    Write(fs::path(files_.path()) / "secret.txt", "do not serve");
    server_ = SignalServerProcess::Start({"--web-root", root.string()});
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->StopAndExpectCleanExit();
  }

  static void Write(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  std::optional<HttpReply> Get(const std::string& target, http::verb method = http::verb::get) {
    return SendHttpRequest(server_->port(), method, target);
  }

  parley::test::TempDir files_;
  std::unique_ptr<SignalServerProcess> server_;
};

TEST_F(StaticHttpTest, ServesTheIndexAtTheRoot) {
  const auto reply = Get("/");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(reply->body, "<!doctype html><title>demo</title>");
}

TEST_F(StaticHttpTest, SetsTheContentTypeByExtension) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/app.js", "text/javascript; charset=utf-8"},
      {"/css/style.css", "text/css; charset=utf-8"},
      {"/config.json", "application/json"},
      {"/logo.svg", "image/svg+xml"},
      {"/logo.png", "image/png"},
  };
  for (const auto& [target, type] : expected) {
    const auto reply = Get(target);
    ASSERT_TRUE(reply.has_value()) << target;
    EXPECT_EQ(reply->status, 200) << target;
    EXPECT_EQ(reply->content_type, type) << target;
  }
  EXPECT_EQ(Get("/logo.png")->body, std::string("\x89PNG\r\n\x1a\n\0\0", 10));
}

TEST_F(StaticHttpTest, HeadHasTheHeadersOfGetWithoutBody) {
  const auto reply = Get("/app.js", http::verb::head);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(reply->content_length, std::string("console.log('hi');").size());
  EXPECT_EQ(reply->body, "");

  const auto missing = Get("/missing.js", http::verb::head);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "");
}

TEST_F(StaticHttpTest, MissingFilesAre404) {
  for (const char* target : {"/missing.html", "/css/missing.css", "/app.js/x", "/ws/demo"}) {
    const auto reply = Get(target);
    ASSERT_TRUE(reply.has_value()) << target;
    EXPECT_EQ(reply->status, 404) << target;
  }
}

TEST_F(StaticHttpTest, RefusesTraversal) {
  for (const char* target : {"/../secret.txt", "/css/../../secret.txt", "/%2e%2e/secret.txt",
                             "/..%2Fsecret.txt", "/.%2e/secret.txt"}) {
    const auto reply = Get(target);
    ASSERT_TRUE(reply.has_value()) << target;
    EXPECT_EQ(reply->status, 403) << target;
    EXPECT_THAT(reply->body, ::testing::Not(HasSubstr("do not serve"))) << target;
  }
  EXPECT_EQ(Get("/%zz")->status, 400);
}

TEST_F(StaticHttpTest, OnlyGetAndHead) {
  const auto reply = Get("/index.html", http::verb::post);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 405);
}

TEST_F(StaticHttpTest, AWebSocketUpgradeOutsideRoomsIs404) {
  ClientInbox inbox;
  std::string error;
  for (const char* path : {"/", "/ws/", "/ws/a/b", "/other"}) {
    const std::string url = "ws://127.0.0.1:" + std::to_string(server_->port()) + path;
    EXPECT_EQ(SignalingClient::Connect(url, inbox.Callbacks(), std::chrono::seconds(10), &error),
              nullptr)
        << url;
    EXPECT_THAT(error, HasSubstr("refused: HTTP 404")) << url;
  }
}

TEST(StaticHttpWithoutRootTest, EverythingIs404) {
  // An empty directory as the root: nothing to serve (the default root may exist).
  parley::test::TempDir empty;
  ASSERT_TRUE(empty.ok());
  auto server = SignalServerProcess::Start({"--web-root", empty.path()});
  ASSERT_NE(server, nullptr);
  const auto reply = SendHttpRequest(server->port(), http::verb::get, "/");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 404);
  server->StopAndExpectCleanExit();
}

}  // namespace
}  // namespace parley::examples::test

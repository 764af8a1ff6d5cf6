// Which file a request target names under the web root (examples/signaling/static_files.h), and
// its Content-Type.
#include "signaling/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "interop/subprocess.h"

namespace parley::examples {
namespace {

namespace fs = std::filesystem;
using Status = StaticFileLookup::Status;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(temp_.ok());
    root_ = fs::path(temp_.path()) / "web";
    fs::create_directories(root_ / "sub dir");
    for (const char* name :
         {"index.html", "app.js", "sub dir/index.html", "sub dir/x.png", ".hidden"}) {
      std::ofstream(root_ / name) << name;
    }
    std::ofstream(fs::path(temp_.path()) / "secret.txt") << "secret";
    fs::create_symlink(fs::path(temp_.path()) / "secret.txt", root_ / "link.txt");
  }

  StaticFileLookup LookUp(std::string_view target) { return LookUpStaticFile(root_, target); }
  fs::path Real(const char* name) { return fs::canonical(root_ / name); }

  parley::test::TempDir temp_;
  fs::path root_;
};

TEST_F(StaticFilesTest, RootIsIndexHtml) {
  const StaticFileLookup lookup = LookUp("/");
  EXPECT_EQ(lookup.status, Status::kFound);
  EXPECT_EQ(lookup.path, Real("index.html"));
}

TEST_F(StaticFilesTest, FindsFilesIgnoringTheQuery) {
  EXPECT_EQ(LookUp("/app.js").path, Real("app.js"));
  EXPECT_EQ(LookUp("/app.js?v=2#x").path, Real("app.js"));
  EXPECT_EQ(LookUp("/sub%20dir/x.png").path, Real("sub dir/x.png"));
  EXPECT_EQ(LookUp("//app.js").path, Real("app.js"));
}

TEST_F(StaticFilesTest, DirectoriesMeanTheirIndex) {
  EXPECT_EQ(LookUp("/sub%20dir/").path, Real("sub dir/index.html"));
  EXPECT_EQ(LookUp("/sub%20dir").path, Real("sub dir/index.html"));
}

TEST_F(StaticFilesTest, MissingIsNotFound) {
  EXPECT_EQ(LookUp("/nope.html").status, Status::kNotFound);
  EXPECT_EQ(LookUp("/app.js/more").status, Status::kNotFound);
  EXPECT_EQ(LookUpStaticFile(fs::path(), "/").status, Status::kNotFound);
  EXPECT_EQ(LookUpStaticFile(root_ / "absent", "/").status, Status::kNotFound);
}

TEST_F(StaticFilesTest, RefusesTraversalAndHiddenFiles) {
  for (const char* target : {"/../secret.txt", "/sub%20dir/../../secret.txt", "/%2e%2e/secret.txt",
                             "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/..", "/./index.html",
                             "/.hidden", "/..\\secret.txt", "/sub%20dir%5c..%5c..%5csecret.txt"}) {
    EXPECT_EQ(LookUp(target).status, Status::kForbidden) << target;
  }
}

TEST_F(StaticFilesTest, RefusesSymlinksLeadingOutOfTheRoot) {
  EXPECT_EQ(LookUp("/link.txt").status, Status::kForbidden);
}

TEST_F(StaticFilesTest, RejectsMalformedTargets) {
  for (const char* target :
       {"", "index.html", "http://x/index.html", "*", "/%", "/%4", "/%zz", "/a%00.html"}) {
    EXPECT_EQ(LookUp(target).status, Status::kBadRequest) << target;
  }
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_EQ(ContentTypeFor("a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("style.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("data.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("logo.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("README"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("archive.tar.gz"), "application/octet-stream");
}

}  // namespace
}  // namespace parley::examples

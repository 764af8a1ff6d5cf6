// parley-signal: the WebSocket signaling relay and static file server of the examples.
//
//   parley-signal [--host 127.0.0.1] [--port 8080] [--web-root DIR] [--quiet]
//
// Prints "parley-signal listening on ws://HOST:PORT/ws/<room>" once listening (--port 0 picks a
// free port: read it there), logs joins, leaves and refusals to stderr unless --quiet, and exits
// 0 on SIGINT or SIGTERM after closing every connection. See docs/signaling.md.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "signaling/server_state.h"
#include "signaling/signal_server.h"

namespace {

using parley::examples::SignalServer;
using parley::examples::SignalServerOptions;

constexpr auto kShutdownGrace = std::chrono::seconds(2);

constexpr std::string_view kUsage =
    "usage: parley-signal [--host 127.0.0.1] [--port 8080] [--web-root DIR] [--quiet]\n"
    "  --host      IP address to listen on (default 127.0.0.1; :: or 0.0.0.0 for all)\n"
    "  --port      TCP port (default 8080; 0 picks a free one, printed on stdout)\n"
    "  --web-root  directory served over HTTP GET/HEAD (default: the source tree's examples/web\n"
    "              if it exists)\n"
    "  --quiet     no log lines on stderr\n";

std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

std::filesystem::path DefaultWebRoot() {
#ifdef PARLEY_SIGNAL_DEFAULT_WEB_ROOT
  std::error_code error;
  const std::filesystem::path root = PARLEY_SIGNAL_DEFAULT_WEB_ROOT;
  if (std::filesystem::is_directory(root, error)) return root;
#endif
  return {};
}

// nullopt (after printing why) when the command line is wrong.
std::optional<SignalServerOptions> ParseArguments(int argc, char** argv) {
  SignalServerOptions options;
  bool web_root_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--quiet") {
      options.quiet = true;
    } else if (arg == "--host" && has_value) {
      options.host = argv[++i];
    } else if (arg == "--port" && has_value) {
      const std::optional<uint16_t> port = ParsePort(argv[++i]);
      if (!port) {
        std::cerr << "parley-signal: --port needs a number from 0 to 65535\n";
        return std::nullopt;
      }
      options.port = *port;
    } else if (arg == "--web-root" && has_value) {
      options.web_root = argv[++i];
      web_root_given = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else {
      std::cerr << "parley-signal: unexpected argument '" << arg << "'\n" << kUsage;
      return std::nullopt;
    }
  }
  if (web_root_given) {
    std::error_code error;
    if (!std::filesystem::is_directory(options.web_root, error)) {
      std::cerr << "parley-signal: --web-root " << options.web_root << " is not a directory\n";
      return std::nullopt;
    }
  } else {
    options.web_root = DefaultWebRoot();
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<SignalServerOptions> options = ParseArguments(argc, argv);
  if (!options) return 2;
  const bool quiet = options->quiet;
  const std::filesystem::path web_root = options->web_root;

  boost::asio::io_context io(1);
  // Installed before listening, so a signal right after the "listening" line is never lost.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::string error;
  std::unique_ptr<SignalServer> server = SignalServer::Listen(io, std::move(*options), &error);
  if (!server) {
    std::cerr << "parley-signal: " << error << "\n";
    return 1;
  }
  std::cout << "parley-signal listening on " << server->RoomUrlPattern() << std::endl;
  if (!quiet) {
    std::cerr << "parley-signal: "
              << (web_root.empty() ? std::string("no web root: static files are off")
                                   : "serving files from " + web_root.string())
              << std::endl;
  }

  signals.async_wait([&](const boost::system::error_code& failed, int signal_number) {
    if (failed) return;
    if (!quiet) std::cerr << "parley-signal: signal " << signal_number << ", stopping" << std::endl;
    // A second signal stops at once. Armed first: Shutdown() may finish (and cancel it) inline.
    signals.async_wait([&](const boost::system::error_code& again, int) {
      if (!again) io.stop();
    });
    server->Shutdown(kShutdownGrace, [&] { signals.cancel(); });
  });
  io.run();
  return 0;
}

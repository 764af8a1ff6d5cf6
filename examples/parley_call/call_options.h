// The command line of parley-call and the Parley Configuration it asks for.
//
//   parley-call --ws URL --role offer|answer [--duration SECONDS] [--connect-timeout SECONDS]
//               [--ice-server URI]... [--relay-only] [--ice-address ADDR]...
//               [--no-datachannel] [--stats-json FILE] [--video none] [--audio none]
//               [--verbose]
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parley/configuration.h"

namespace parley::examples {

enum class CallRole { kOffer, kAnswer };
std::string_view ToString(CallRole role);  // "offer", "answer"

struct CallOptions {
  std::string signaling_url;  // --ws, used as given (the path names the room).
  CallRole role = CallRole::kOffer;
  // Seconds of connected time before a clean hang-up; nullopt: until bye or a signal.
  std::optional<double> duration_seconds;
  double connect_timeout_seconds = 30;
  std::vector<IceServer> ice_servers;
  bool relay_only = false;
  std::vector<std::string> ice_addresses;
  bool data_channel = true;
  std::string stats_json_path;  // Empty: none written.
  bool verbose = false;         // Parley's own log from kInfo up, and ICE state changes.
};

struct HelpRequested {};
// A command line we refuse (exit code 2), with what was wrong.
struct CommandLineError {
  std::string message;
};

using ParsedCommandLine = std::variant<CallOptions, HelpRequested, CommandLineError>;

// `args` without the program name.
ParsedCommandLine ParseCallOptions(std::span<const std::string_view> args);

// An --ice-server URI: "stun:host:port", "turn:user:pass@host:port?transport=udp|tcp" or
// "turns:user:pass@host:port". The user and password (percent-decoded, so that ':' and '@' can
// be written %3A and %40) go to IceServer::username/credential, the rest stays the URL. TURN
// needs them, STUN takes none.
std::variant<IceServer, CommandLineError> ParseIceServerUri(std::string_view uri);

Configuration ToConfiguration(const CallOptions& options);

extern const std::string_view kCallUsage;

}  // namespace parley::examples

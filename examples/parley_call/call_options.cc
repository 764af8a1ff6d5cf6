#include "parley_call/call_options.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

namespace parley::examples {
namespace {

// Longer would overflow the steady clock's arithmetic for no use.
constexpr double kMaxSeconds = 1e6;

std::optional<double> ParseSeconds(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  if (!std::isfinite(value) || value <= 0 || value > kMaxSeconds) return std::nullopt;
  return value;
}

std::optional<int> HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// RFC 3986 §2.1 percent-decoding; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const std::optional<int> high = HexDigit(text[i + 1]);
    const std::optional<int> low = HexDigit(text[i + 2]);
    if (!high || !low) return std::nullopt;
    out += static_cast<char>(*high * 16 + *low);
    i += 2;
  }
  return out;
}

CommandLineError MediaNotSupported(std::string_view flag, std::string_view value) {
  return {"media is not supported yet: " + std::string(flag) + " " + std::string(value) +
          " cannot be sent; use " + std::string(flag) + " none (the default)"};
}

}  // namespace

const std::string_view kCallUsage =
    "usage: parley-call --ws URL --role offer|answer [options]\n"
    "  --ws URL                 signaling WebSocket of parley-signal, used as given; its path\n"
    "                           names the room, e.g. ws://127.0.0.1:8080/ws/demo\n"
    "  --role offer|answer      offer: open the data channel and send the offer; answer: wait\n"
    "                           for the offer and answer it\n"
    "  --duration SECONDS       hang up (bye) after this much connected time (default: run\n"
    "                           until the peer says bye or SIGINT/SIGTERM)\n"
    "  --connect-timeout SECONDS  give up unless connected within this time (default 30)\n"
    "  --ice-server URI         STUN/TURN server, repeatable: stun:host:port,\n"
    "                           turn:user:pass@host:port?transport=udp|tcp, turns:user:pass@...\n"
    "  --relay-only             use relayed candidates only (iceTransportPolicy \"relay\")\n"
    "  --ice-address ADDR       gather host candidates on this local address only; repeatable\n"
    "  --no-datachannel         no data channel (a receive-only audio m-section carries the\n"
    "                           connection until media lands): success is reaching \"connected\"\n"
    "  --stats-json FILE        write {\"summary\":{...},\"stats\":{...}} (final W3C stats)\n"
    "  --video vp9|vp8|none     video to send (only none until media lands; default none)\n"
    "  --audio opus|none        audio to send (only none until media lands; default none)\n"
    "  --verbose                Parley's log (info and up) and ICE states on stderr\n"
    "  --help                   this text\n"
    "Both roles send \"ping N\" every 500 ms on the channel and answer \"echo:ping N\".\n"
    "Exit status: 0 when connected and (with a data channel) echoes went both ways; 1 on\n"
    "failure (no connection in time, signaling or connection failure); 2 for a bad command line.\n";

std::string_view ToString(CallRole role) {
  return role == CallRole::kOffer ? "offer" : "answer";
}

std::variant<IceServer, CommandLineError> ParseIceServerUri(std::string_view uri) {
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos) {
    return CommandLineError{"--ice-server " + std::string(uri) +
                            ": no scheme (stun:, turn:, turns:)"};
  }
  const std::string_view scheme = uri.substr(0, colon);
  const bool turn = scheme == "turn" || scheme == "turns";
  if (!turn && scheme != "stun" && scheme != "stuns") {
    return CommandLineError{"--ice-server " + std::string(uri) + ": unknown scheme '" +
                            std::string(scheme) + "' (stun:, turn:, turns:)"};
  }
  std::string_view rest = uri.substr(colon + 1);
  // The user info ends at the last '@' before the query (a password may not hold a raw '@').
  const std::string_view authority = rest.substr(0, rest.find('?'));
  const size_t at = authority.rfind('@');
  IceServer server;
  if (at != std::string_view::npos) {
    if (!turn) {
      return CommandLineError{"--ice-server " + std::string(uri) +
                              ": STUN servers take no user:pass@"};
    }
    const std::string_view user_info = authority.substr(0, at);
    const size_t separator = user_info.find(':');
    if (separator == std::string_view::npos) {
      return CommandLineError{"--ice-server " + std::string(uri) +
                              ": the user info must be user:pass@"};
    }
    std::optional<std::string> user = PercentDecode(user_info.substr(0, separator));
    std::optional<std::string> password = PercentDecode(user_info.substr(separator + 1));
    if (!user || !password || user->empty()) {
      return CommandLineError{"--ice-server " + std::string(uri) + ": bad user:pass@"};
    }
    server.username = std::move(*user);
    server.credential = std::move(*password);
    rest.remove_prefix(at + 1);
  } else if (turn) {
    return CommandLineError{"--ice-server " + std::string(uri) +
                            ": TURN needs credentials, as turn:user:pass@host:port"};
  }
  if (rest.empty() || rest.front() == '?' || rest.front() == ':') {
    return CommandLineError{"--ice-server " + std::string(uri) + ": no host"};
  }
  server.urls.push_back(std::string(scheme) + ":" + std::string(rest));
  return server;
}

ParsedCommandLine ParseCallOptions(std::span<const std::string_view> args) {
  CallOptions options;
  bool have_url = false;
  bool have_role = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") return HelpRequested{};
    if (flag == "--relay-only") {
      options.relay_only = true;
      continue;
    }
    if (flag == "--no-datachannel") {
      options.data_channel = false;
      continue;
    }
    if (flag == "--verbose") {
      options.verbose = true;
      continue;
    }
    const bool takes_value = flag == "--ws" || flag == "--role" || flag == "--duration" ||
                             flag == "--connect-timeout" || flag == "--ice-server" ||
                             flag == "--ice-address" || flag == "--stats-json" ||
                             flag == "--video" || flag == "--audio";
    if (!takes_value) return CommandLineError{"unknown argument '" + std::string(flag) + "'"};
    if (i + 1 >= args.size()) return CommandLineError{std::string(flag) + " needs a value"};
    const std::string_view value = args[++i];

    if (flag == "--ws") {
      options.signaling_url = std::string(value);
      have_url = !value.empty();
    } else if (flag == "--role") {
      if (value == "offer") {
        options.role = CallRole::kOffer;
      } else if (value == "answer") {
        options.role = CallRole::kAnswer;
      } else {
        return CommandLineError{"--role must be offer or answer, not '" + std::string(value) + "'"};
      }
      have_role = true;
    } else if (flag == "--duration" || flag == "--connect-timeout") {
      const std::optional<double> seconds = ParseSeconds(value);
      if (!seconds) {
        return CommandLineError{std::string(flag) + " needs a number of seconds above 0, not '" +
                                std::string(value) + "'"};
      }
      if (flag == "--duration") {
        options.duration_seconds = *seconds;
      } else {
        options.connect_timeout_seconds = *seconds;
      }
    } else if (flag == "--ice-server") {
      auto server = ParseIceServerUri(value);
      if (auto* error = std::get_if<CommandLineError>(&server)) return std::move(*error);
      options.ice_servers.push_back(std::get<IceServer>(std::move(server)));
    } else if (flag == "--ice-address") {
      options.ice_addresses.emplace_back(value);
    } else if (flag == "--stats-json") {
      if (value.empty()) return CommandLineError{"--stats-json needs a file name"};
      options.stats_json_path = std::string(value);
    } else if (flag == "--video") {
      if (value == "vp9" || value == "vp8") return MediaNotSupported(flag, value);
      if (value != "none") {
        return CommandLineError{"--video must be vp9, vp8 or none, not '" + std::string(value) +
                                "'"};
      }
    } else if (flag == "--audio") {
      if (value == "opus") return MediaNotSupported(flag, value);
      if (value != "none") {
        return CommandLineError{"--audio must be opus or none, not '" + std::string(value) + "'"};
      }
    }
  }
  if (!have_url) return CommandLineError{"--ws URL is required"};
  if (!have_role) return CommandLineError{"--role offer|answer is required"};
  if (options.relay_only && options.ice_servers.empty()) {
    return CommandLineError{"--relay-only needs a TURN server (--ice-server turn:...)"};
  }
  return options;
}

Configuration ToConfiguration(const CallOptions& options) {
  Configuration configuration;
  configuration.ice_servers = options.ice_servers;
  configuration.ice_transport_policy =
      options.relay_only ? IceTransportPolicy::kRelay : IceTransportPolicy::kAll;
  configuration.ice_addresses = options.ice_addresses;
  return configuration;
}

}  // namespace parley::examples

// MediaStreamTrack: identity and state (sources and sinks attach with the media layer).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/random.h"
#include "parley/media.h"

namespace parley {
namespace {

// A random id shaped like the UUIDs browsers use for track ids.
std::string RandomTrackId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    id += kHex[CryptoRandom::Instance().Uniform(0, 15)];
  }
  return id;
}

class Track final : public MediaStreamTrack {
 public:
  Track(MediaKind kind, std::string id) : kind_(kind), id_(std::move(id)) {}

  MediaKind kind() const override { return kind_; }
  const std::string& id() const override { return id_; }
  bool enabled() const override { return enabled_.load(); }
  void set_enabled(bool enabled) override { enabled_ = enabled; }
  bool muted() const override { return false; }
  TrackState ready_state() const override {
    return ended_.load() ? TrackState::kEnded : TrackState::kLive;
  }
  void Stop() override { ended_ = true; }
  void SetOnEnded(std::function<void()> on_ended) override {
    std::lock_guard lock(mutex_);
    on_ended_ = std::move(on_ended);
  }

 private:
  const MediaKind kind_;
  const std::string id_;
  std::atomic<bool> enabled_{true};
  std::atomic<bool> ended_{false};
  std::mutex mutex_;
  std::function<void()> on_ended_;
};

}  // namespace

std::shared_ptr<MediaStreamTrack> MediaStreamTrack::Create(MediaKind kind, std::string id) {
  return std::make_shared<Track>(kind, id.empty() ? RandomTrackId() : std::move(id));
}

}  // namespace parley

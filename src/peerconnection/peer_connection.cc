// The future forms of PeerConnection's operations, over the completion forms.
#include <future>
#include <memory>

#include "parley/peer_connection.h"

namespace parley {
namespace {

template <typename T>
std::pair<PeerConnection::Completion<T>, std::future<Result<T>>> MakeCompletion() {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  return {[promise](Result<T> result) { promise->set_value(std::move(result)); },
          std::move(future)};
}

}  // namespace

std::future<Result<SessionDescription>> PeerConnection::CreateOffer(OfferOptions options) {
  auto [done, future] = MakeCompletion<SessionDescription>();
  CreateOffer(options, std::move(done));
  return std::move(future);
}

std::future<Result<SessionDescription>> PeerConnection::CreateAnswer() {
  auto [done, future] = MakeCompletion<SessionDescription>();
  CreateAnswer(std::move(done));
  return std::move(future);
}

std::future<Result<void>> PeerConnection::SetLocalDescription(
    std::optional<SessionDescription> description) {
  auto [done, future] = MakeCompletion<void>();
  SetLocalDescription(std::move(description), std::move(done));
  return std::move(future);
}

std::future<Result<void>> PeerConnection::SetRemoteDescription(SessionDescription description) {
  auto [done, future] = MakeCompletion<void>();
  SetRemoteDescription(std::move(description), std::move(done));
  return std::move(future);
}

std::future<Result<void>> PeerConnection::AddIceCandidate(IceCandidate candidate) {
  auto [done, future] = MakeCompletion<void>();
  AddIceCandidate(std::move(candidate), std::move(done));
  return std::move(future);
}

std::future<Result<StatsReport>> PeerConnection::GetStats() {
  auto [done, future] = MakeCompletion<StatsReport>();
  GetStats(std::move(done));
  return std::move(future);
}

}  // namespace parley

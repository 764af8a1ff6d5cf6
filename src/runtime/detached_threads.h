// An EventLoop or CallbackExecutor destroyed from inside one of its own tasks cannot join its own
// thread; it detaches it, and the thread exits right after that task returns. This lets an
// application (or a test) wait for such threads, e.g. before main returns and static objects go.
#pragma once

#include "base/time.h"

namespace parley {

// Blocks until every detached runtime thread has exited or `timeout` passed. True when none is
// left.
bool WaitForDetachedThreads(TimeDelta timeout);

namespace internal {
// Called on the detaching thread itself, before it detaches.
void DetachedThreadStarted();
// Called by the detached thread as its very last action (after releasing its state).
void DetachedThreadFinished();
}  // namespace internal

}  // namespace parley

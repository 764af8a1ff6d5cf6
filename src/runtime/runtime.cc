#include "runtime/runtime.h"

namespace parley {

std::shared_ptr<Runtime> Runtime::Create() {
  return std::shared_ptr<Runtime>(new Runtime());
}

}  // namespace parley

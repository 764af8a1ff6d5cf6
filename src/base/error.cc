#include <cstdio>
#include <cstdlib>

#include "parley/error.h"
#include "parley/result.h"

namespace parley {

std::string_view ErrorName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidStateError:
      return "InvalidStateError";
    case ErrorKind::kSyntaxError:
      return "SyntaxError";
    case ErrorKind::kInvalidAccessError:
      return "InvalidAccessError";
    case ErrorKind::kInvalidModificationError:
      return "InvalidModificationError";
    case ErrorKind::kOperationError:
      return "OperationError";
    case ErrorKind::kRangeError:
      return "RangeError";
    case ErrorKind::kTypeError:
      return "TypeError";
    case ErrorKind::kNotSupportedError:
      return "NotSupportedError";
  }
  return "UnknownError";
}

std::string Error::ToString() const {
  std::string out(name());
  out.append(": ").append(message_);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Error& error) {
  return os << error.ToString();
}

namespace detail {
void ResultAccessFailure(const char* what, const Error* error) {
  std::fprintf(stderr, "parley: %s%s%s\n", what, error ? ": " : "",
               error ? error->ToString().c_str() : "");
  std::abort();
}
}  // namespace detail

}  // namespace parley

#include "acpctl/transport/retry.hpp"

#include <doctest/doctest.h>
#include <vector>

using namespace acp;
using namespace acp::transport;
using std::chrono::milliseconds;

namespace {
struct Recorder {
  std::vector<milliseconds> waits;
  Sleeper sleeper() {
    return [this](milliseconds d) { waits.push_back(d); };
  }
};
} // namespace

TEST_SUITE("transport::retry") {
  TEST_CASE("retries refused connections and time-outs with growing waits, then gives up") {
    Recorder rec;
    int calls = 0;
    RetryPolicy policy{4, milliseconds(100), 2.0, milliseconds(250)};
    auto st = with_retry(policy, rec.sleeper(), [&]() -> Status {
      ++calls;
      return Error(calls % 2 ? Errc::connect : Errc::timeout, "refused");
    });
    CHECK_FALSE(st.ok());
    CHECK(calls == 4);
    CHECK(rec.waits ==
          std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(250)});
  }

  TEST_CASE("never retries an authentication failure") {
    Recorder rec;
    int calls = 0;
    auto st = with_retry(RetryPolicy{}, rec.sleeper(), [&]() -> Status {
      ++calls;
      return Error(Errc::auth, "permission denied");
    });
    CHECK(st.error().code() == Errc::auth);
    CHECK(calls == 1);
    CHECK(rec.waits.empty());
  }

  TEST_CASE("stops retrying as soon as a try succeeds") {
    Recorder rec;
    int calls = 0;
    auto st = with_retry(RetryPolicy{}, rec.sleeper(), [&]() -> Status {
      if (++calls < 2)
        return Error(Errc::connect, "connection reset");
      return {};
    });
    CHECK(st.ok());
    CHECK(calls == 2);
    CHECK(rec.waits.size() == 1);
  }

  TEST_CASE("only connect and timeout errors are transient") {
    CHECK(is_transient(Error(Errc::connect, "")));
    CHECK(is_transient(Error(Errc::timeout, "")));
    for (auto code : {Errc::auth, Errc::remote, Errc::verify, Errc::io, Errc::failed})
      CHECK_FALSE(is_transient(Error(code, "")));
    CHECK(backoff(RetryPolicy{}, 1) == milliseconds(0));
  }
}

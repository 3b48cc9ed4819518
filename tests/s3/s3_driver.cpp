// A test-only driver for the S3 client (tests/lab/s3_client.sh): one operation per run against
// a real server. Never installed or packaged.
//
//   s3_driver URL BUCKET put KEY FILE [PART_SIZE]   prints bytes=, multipart=, parts_sent=,
//                                                   parts_reused=
//   s3_driver URL BUCKET list PREFIX                prints SIZE MODIFIED ETAG KEY per object
//   s3_driver URL BUCKET get KEY FILE | cat KEY | rm KEY
//
// Credentials from S3_ACCESS_KEY / S3_SECRET_KEY. S3_DRIVER_STOP_AFTER_PARTS=N exits (status
// 3) right after the N-th part, as a killed run would; S3_DRIVER_TIMEOUT sets the time-out in
// seconds; S3_DRIVER_CA_FILE the CA bundle; S3_DRIVER_INSECURE=1 turns TLS verification off;
// S3_DRIVER_DEBUG=1 logs at debug level. Errors: Error::describe() on stderr, exit 1.

#include "acpctl/s3/client.hpp"
#include "acpctl/util/log.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : value;
}

int usage() {
  std::cerr << "usage: s3_driver URL BUCKET put KEY FILE [PART_SIZE] | list PREFIX | get KEY FILE"
               " | cat KEY | rm KEY\n";
  return 2;
}

int fail(const acp::Error& error) {
  std::cerr << error.describe() << "\n";
  return 1;
}

int put(acp::s3::Client& client, const std::vector<std::string>& args) {
  acp::s3::PutOptions options;
  if (args.size() > 5)
    options.part_size = std::stoull(args[5]);
  const int stop_after = std::atoi(env("S3_DRIVER_STOP_AFTER_PARTS").c_str());
  int parts = 0;
  options.progress = [&](std::uint64_t, std::uint64_t) {
    if (stop_after > 0 && ++parts >= stop_after)
      _exit(3);
  };
  auto result = client.put_file(args[3], args[4], options);
  if (!result)
    return fail(result.error());
  std::cout << "bytes=" << result->bytes << " multipart=" << result->multipart
            << " parts_sent=" << result->parts_sent << " parts_reused=" << result->parts_reused
            << "\n";
  return 0;
}

int list(acp::s3::Client& client, const std::string& prefix) {
  auto objects = client.list(prefix);
  if (!objects)
    return fail(objects.error());
  for (const auto& object : *objects)
    std::cout << object.size << " " << object.modified << " " << object.etag << " " << object.key
              << "\n";
  return 0;
}

int run(acp::s3::Client& client, const std::vector<std::string>& args) {
  const std::string& op = args[2];
  if (op == "put" && args.size() >= 5)
    return put(client, args);
  if (op == "list" && args.size() == 4)
    return list(client, args[3]);
  if (op == "get" && args.size() == 5) {
    auto status = client.get_file(args[3], args[4]);
    return status ? 0 : fail(status.error());
  }
  if (op == "cat" && args.size() == 4) {
    auto text = client.get_text(args[3]);
    if (!text)
      return fail(text.error());
    std::cout << *text;
    return 0;
  }
  if (op == "rm" && args.size() == 4) {
    auto status = client.remove(args[3]);
    return status ? 0 : fail(status.error());
  }
  return usage();
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3)
    return usage();
  acp::log::configure(
      {env("S3_DRIVER_DEBUG") == "1" ? acp::log::Level::debug : acp::log::Level::info, false, ""});
  acp::s3::Credentials credentials{env("S3_ACCESS_KEY"), env("S3_SECRET_KEY"), ""};
  acp::log::add_secret(credentials.secret_access_key);
  acp::s3::Endpoint endpoint;
  endpoint.url = args[0];
  endpoint.bucket = args[1];
  endpoint.path_style = acp::s3::default_path_style(endpoint.url);
  endpoint.ca_file = env("S3_DRIVER_CA_FILE");
  endpoint.verify_tls = env("S3_DRIVER_INSECURE") != "1";
  if (const auto timeout = env("S3_DRIVER_TIMEOUT"); !timeout.empty())
    endpoint.timeout = std::chrono::seconds(std::stoi(timeout));
  acp::s3::Client client(std::move(endpoint), std::move(credentials));
  return run(client, args);
}

#pragma once
// Writing a stream to a local path the way an upload does on a node: a temporary file beside
// the target, checked by sha256, renamed over the target; skipped when the content is equal.

#include "acpctl/transport/transport.hpp"

namespace acp::transport::detail {

Result<UploadResult> write_verified(std::istream& data, const std::string& path,
                                    const FileSpec& spec, const std::string& host);

} // namespace acp::transport::detail

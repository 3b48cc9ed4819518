#pragma once
// The verbs of `acpctl package`, one file each group: build and keygen, show, verify and
// unpack. cmd_package.cpp makes the parent command and calls these.

#include "app.hpp"

#include <nlohmann/json.hpp>

namespace acp::package {
struct Manifest;
}

namespace acp::cli {

void add_package_build(App& app, CLI::App* package);
void add_package_keygen(App& app, CLI::App* package);
void add_package_show(App& app, CLI::App* package);
void add_package_verify(App& app, CLI::App* package);
void add_package_unpack(App& app, CLI::App* package);

/// The manifest as JSON (files listed when `all`), shared by `build -o json` and `show`.
nlohmann::json manifest_json(const package::Manifest& manifest, bool all);

} // namespace acp::cli

#pragma once
// Typed step parameters: each step kind (stage) declares one plain struct for what its apply
// half needs beyond the Step's common fields; the plan file carries it as JSON and a saved
// plan's parameters are parsed back into that struct strictly (missing or unknown fields are
// an error). Never a secret: plans are saved and printed; secrets go to the apply-time
// output store (stages/outputs.hpp).

#include "acpctl/util/error.hpp"

#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace acp::plan {

/// The parameters of one step, whatever their type.
class StepParams {
public:
  virtual ~StepParams() = default;
  /// The JSON written to the plan file.
  virtual nlohmann::json to_json() const = 0;
  /// True when `other` holds the same type and values.
  virtual bool same(const StepParams& other) const = 0;
  /// What the step acts on beyond its component, for the plan text ("member n2"); may be "".
  virtual std::string subject() const { return {}; }
  /// How the plan text names a create step ("start"); "" for the component and version.
  virtual std::string create_verb() const { return {}; }
};

/// `P` as StepParams. P: equality-comparable, with nlohmann to_json/from_json; optional
/// `std::string subject() const` and `std::string create_verb() const`.
template <class P> class TypedParams final : public StepParams {
public:
  explicit TypedParams(P value) : m_value(std::move(value)) {}
  const P& value() const { return m_value; }
  nlohmann::json to_json() const override { return m_value; }
  bool same(const StepParams& other) const override {
    const auto* o = dynamic_cast<const TypedParams*>(&other);
    return o && o->m_value == m_value;
  }
  std::string subject() const override {
    if constexpr (requires(const P& p) { p.subject(); })
      return m_value.subject();
    else
      return {};
  }
  std::string create_verb() const override {
    if constexpr (requires(const P& p) { p.create_verb(); })
      return m_value.create_verb();
    else
      return {};
  }

private:
  P m_value;
};

using ParamsPtr = std::shared_ptr<const StepParams>;

template <class P> ParamsPtr make_params(P value) {
  return std::make_shared<const TypedParams<P>>(std::move(value));
}

/// Reads a saved step's "params" for a stage; null parser: the stage's steps have none.
using ParamsParser = Result<ParamsPtr> (*)(const nlohmann::json& params);

/// The ParamsParser of `P`: exactly P's fields, nothing missing, nothing extra.
template <class P> Result<ParamsPtr> parse_params(const nlohmann::json& params) {
  try {
    P value = params.get<P>();
    if (nlohmann::json(value) != params)
      return Error(
          Errc::invalid_input,
          fmt::format("params {} have fields this step kind does not know", params.dump()));
    return make_params(std::move(value));
  } catch (const nlohmann::json::exception& e) {
    return Error(Errc::invalid_input, fmt::format("params {}: {}", params.dump(), e.what()));
  }
}

} // namespace acp::plan

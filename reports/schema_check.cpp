// A small JSON Schema validator for the keywords reports/claims.schema.json uses. Debian 12 has
// no C++ JSON Schema validator package; this one refuses keywords it does not implement.
#include "reports/report.hpp"

#include <cmath>
#include <regex>
#include <set>

namespace fa::report {

namespace {

const std::set<std::string> kKnown = {
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "type",
    "properties", "required", "additionalProperties", "items", "enum", "const", "minimum",
    "maximum", "minLength", "pattern", "anyOf", "oneOf", "examples"};

bool has_type(const json& v, const std::string& t) {
  if (t == "null") return v.is_null();
  if (t == "boolean") return v.is_boolean();
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "number") return v.is_number();
  if (t == "integer")
    return v.is_number_integer() ||
           (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
  throw std::runtime_error("schema: unknown type '" + t + "'");
}

struct Validator {
  const json& root;
  std::vector<std::string> errors;

  const json& resolve(const std::string& ref) {
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0) throw std::runtime_error("schema: unsupported $ref " + ref);
    const std::string name = ref.substr(prefix.size());
    if (!root.contains("$defs") || !root["$defs"].contains(name))
      throw std::runtime_error("schema: $ref to a missing definition " + ref);
    return root["$defs"][name];
  }

  // Returns true when valid; appends messages (with the JSON pointer) to out.
  bool check(const json& v, const json& s, const std::string& at, std::vector<std::string>& out) {
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back(at + ": not allowed here");
      return s.get<bool>();
    }
    for (const auto& [k, x] : s.items())
      if (!kKnown.count(k)) throw std::runtime_error("schema: keyword '" + k + "' not supported");
    const std::size_t before = out.size();
    const std::string where = at.empty() ? "/" : at;
    if (s.contains("$ref")) check(v, resolve(s["$ref"]), at, out);
    if (s.contains("type")) {
      bool ok = false;
      if (s["type"].is_string()) ok = has_type(v, s["type"]);
      else
        for (const auto& t : s["type"]) ok = ok || has_type(v, t);
      if (!ok) {
        out.push_back(where + ": expected type " + s["type"].dump() + ", got " + v.type_name());
        return false;
      }
    }
    if (s.contains("enum")) {
      bool ok = false;
      for (const auto& e : s["enum"]) ok = ok || e == v;
      if (!ok) out.push_back(where + ": " + v.dump() + " is not one of " + s["enum"].dump());
    }
    if (s.contains("const") && s["const"] != v)
      out.push_back(where + ": must be " + s["const"].dump());
    if (v.is_number()) {
      if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>())
        out.push_back(where + ": " + v.dump() + " < minimum " + s["minimum"].dump());
      if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>())
        out.push_back(where + ": " + v.dump() + " > maximum " + s["maximum"].dump());
    }
    if (v.is_string()) {
      const std::string str = v.get<std::string>();
      if (s.contains("minLength") && str.size() < s["minLength"].get<std::size_t>())
        out.push_back(where + ": shorter than " + s["minLength"].dump());
      if (s.contains("pattern") &&
          !std::regex_search(str, std::regex(s["pattern"].get<std::string>())))
        out.push_back(where + ": " + v.dump() + " does not match " + s["pattern"].dump());
    }
    if (v.is_object()) {
      if (s.contains("required"))
        for (const auto& r : s["required"])
          if (!v.contains(r.get<std::string>()))
            out.push_back(where + ": missing required key " + r.dump());
      for (const auto& [k, x] : v.items()) {
        const std::string child = at + "/" + k;
        if (s.contains("properties") && s["properties"].contains(k)) {
          check(x, s["properties"][k], child, out);
        } else if (s.contains("additionalProperties")) {
          check(x, s["additionalProperties"], child, out);
        }
      }
    }
    if (v.is_array() && s.contains("items")) {
      for (std::size_t i = 0; i < v.size(); ++i)
        check(v[i], s["items"], at + "/" + std::to_string(i), out);
    }
    for (const char* key : {"anyOf", "oneOf"}) {
      if (!s.contains(key)) continue;
      int passed = 0;
      std::vector<std::string> sub;
      for (const auto& alt : s[key]) {
        std::vector<std::string> e;
        if (check(v, alt, at, e)) ++passed;
        else sub.insert(sub.end(), e.begin(), e.end());
      }
      const bool ok = std::string(key) == "anyOf" ? passed >= 1 : passed == 1;
      if (!ok) {
        std::string msg = where + ": " + key + " failed (" + std::to_string(passed) + " matched)";
        for (const auto& e : sub) msg += "; " + e;
        out.push_back(msg);
      }
    }
    return out.size() == before;
  }
};

}  // namespace

std::vector<std::string> validate(const json& value, const json& schema) {
  Validator v{schema, {}};
  std::vector<std::string> out;
  v.check(value, schema, "", out);
  return out;
}

json load_schema(const fs::path& path) { return json::parse(read_text(path)); }

fs::path default_schema_path() {
  if (const char* env = std::getenv("FA_SCHEMA")) return env;
  return FA_SCHEMA_FILE;
}

}  // namespace fa::report

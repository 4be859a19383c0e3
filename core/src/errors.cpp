#include "grassflow/errors.h"

namespace grassflow {

std::string spell_key(const std::string& key, Surface surface) {
  std::string out;
  std::size_t start = 0;
  while (start < key.size()) {
    const std::size_t slash = key.find('/', start);
    std::string part = key.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!out.empty()) out += '/';
    switch (surface) {
      case Surface::cli:
        out += "--" + part;
        break;
      case Surface::url:
        out += (out.empty() ? "URL " : "") + part;
        break;
      case Surface::python:
        for (char& c : part)
          if (c == '-') c = '_';
        out += part + "=";
        break;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string user_message(const std::exception& error, Surface surface) {
  const std::string* key = nullptr;
  if (const auto* input = dynamic_cast<const InputError*>(&error)) key = &input->key();
  if (const auto* limit = dynamic_cast<const LimitError*>(&error)) key = &limit->key();
  if (!key || key->empty()) return error.what();
  return spell_key(*key, surface) + ": " + error.what();
}

}  // namespace grassflow
